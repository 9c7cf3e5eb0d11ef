namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// Go's <c>path/filepath</c> on Unix as promtool names rule files: <c>Join</c> and <c>Dir</c>
/// clean the result lexically (<c>./a//b/../c</c> is <c>a/c</c>), so that warnings and errors
/// print the same paths as promtool's.
/// </summary>
internal static class GoFilePath
{
    /// <summary><c>filepath.Dir</c>: all but the last element, cleaned; <c>.</c> for a bare name.</summary>
    public static string Dir(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.LastIndexOf('/');
        return Clean(path[..(slash + 1)]);
    }

    /// <summary><c>filepath.Join</c>: the non-empty elements joined with <c>/</c> and cleaned; empty when all are empty.</summary>
    public static string Join(params string[] elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var parts = elements.Where(e => e.Length > 0).ToArray();
        return parts.Length == 0 ? string.Empty : Clean(string.Join('/', parts));
    }

    /// <summary><c>filepath.IsAbs</c> on Unix.</summary>
    public static bool IsAbs(string path) => path.StartsWith('/');

    /// <summary>
    /// <c>filepath.Clean</c>: one slash between elements, no <c>.</c> elements, each <c>..</c> removed
    /// with the element before it (at the root, just removed), no trailing slash; <c>.</c> when nothing is left.
    /// </summary>
    public static string Clean(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return ".";
        }

        var rooted = path.StartsWith('/');
        var kept = new List<string>();
        foreach (var element in path.Split('/'))
        {
            switch (element)
            {
                case "" or ".":
                    break;
                case ".." when kept.Count > 0 && kept[^1] != "..":
                    kept.RemoveAt(kept.Count - 1);
                    break;
                case ".." when rooted:
                    break;
                default:
                    kept.Add(element);
                    break;
            }
        }

        var joined = string.Join('/', kept);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }
}
