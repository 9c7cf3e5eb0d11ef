using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// Finds the field path (<c>scrape_configs[0].job_name</c>) of the mapping key at a position, for
/// errors YamlDotNet raises while loading (a duplicate key) before there is a tree to ask.
/// </summary>
internal static class YamlPathFinder
{
    public static string? KeyPathAt(string yaml, Mark at) => DuplicateKeyAt(yaml, at).Path;

    /// <summary>
    /// The path of the key at <paramref name="at"/> and the line where the same mapping first set
    /// that key (0 when it did not), for go-yaml v3's <c>mapping key "x" already defined at line N</c>.
    /// </summary>
    public static (string? Path, long FirstLine) DuplicateKeyAt(string yaml, Mark at)
    {
        var (path, firstLine, _) = FindKey(yaml, (_, key) => key.Start.Line == at.Line && key.Start.Column == at.Column);
        return (path, firstLine);
    }

    /// <summary>
    /// Where the key with the field path <paramref name="path"/> (<c>receivers[0].email_configs</c>)
    /// stands, for errors found after loading, in a model without positions; null when it is not there.
    /// </summary>
    public static Mark? KeyAt(string yaml, string path) =>
        FindKey(yaml, (stack, key) => Join(stack, key.Value) == path).Key?.Start;

    private static (string? Path, long FirstLine, Scalar? Key) FindKey(string yaml, Func<List<Frame>, Scalar, bool> isTarget)
    {
        try
        {
            var parser = new Parser(new StringReader(yaml));
            var stack = new List<Frame>();
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                var isKey = stack.Count > 0 && stack[^1].IsMapping && stack[^1].ExpectKey;
                if (isKey && e is Scalar key)
                {
                    var keys = stack[^1].KeyLines;
                    if (isTarget(stack, key))
                    {
                        return (Join(stack, key.Value), keys is not null && keys.TryGetValue(key.Value, out var first) ? first : 0, key);
                    }

                    keys?.TryAdd(key.Value, key.Start.Line);
                    stack[^1] = stack[^1] with { ExpectKey = false, Key = key.Value };
                    continue;
                }

                switch (e)
                {
                    case MappingStart:
                        stack.Add(new Frame(true, true, string.Empty, 0, CurrentSegment(stack), new Dictionary<string, long>(StringComparer.Ordinal)));
                        break;
                    case SequenceStart:
                        stack.Add(new Frame(false, false, string.Empty, 0, CurrentSegment(stack), null));
                        break;
                    case MappingEnd or SequenceEnd:
                        stack.RemoveAt(stack.Count - 1);
                        Advance(stack);
                        break;
                    case Scalar or AnchorAlias:
                        Advance(stack);
                        break;
                }
            }
        }
        catch (YamlException)
        {
            // The document is broken further on; no path then.
        }

        return (null, 0, null);
    }

    private static string? CurrentSegment(List<Frame> stack) =>
        stack.Count == 0 ? null : stack[^1].IsMapping ? stack[^1].Key : $"[{stack[^1].Index}]";

    private static void Advance(List<Frame> stack)
    {
        if (stack.Count == 0)
        {
            return;
        }

        var top = stack[^1];
        stack[^1] = top.IsMapping ? top with { ExpectKey = true } : top with { Index = top.Index + 1 };
    }

    private static string Join(List<Frame> stack, string key)
    {
        var path = string.Empty;
        foreach (var frame in stack)
        {
            if (frame.Segment is { } segment)
            {
                path = segment.StartsWith('[') || path.Length == 0 ? path + segment : $"{path}.{segment}";
            }
        }

        return path.Length == 0 ? key : $"{path}.{key}";
    }

    private readonly record struct Frame(bool IsMapping, bool ExpectKey, string Key, int Index, string? Segment, Dictionary<string, long>? KeyLines);
}
