using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// Go's <c>filepath.Glob</c> and <c>filepath.Match</c> on Unix, which upstream expands
/// <c>rule_files</c> (and promtool the <c>file_sd_configs</c> files) with: <c>*</c> (any run of characters but <c>/</c>), <c>?</c> (one such
/// character), <c>[a-z]</c> / <c>[^a-z]</c> classes and <c>\</c> escapes, in any path element;
/// a pattern without them names a file that may or may not exist. Matches come sorted by name
/// within each directory, hidden files included; a malformed pattern is an error.
/// </summary>
public static class FilePathGlob
{
    public const string BadPattern = "syntax error in pattern";

    /// <summary>The paths matching <paramref name="pattern"/>.</summary>
    /// <exception cref="FormatException"><see cref="BadPattern"/>.</exception>
    public static IReadOnlyList<string> Expand(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Validate(pattern);
        var matches = new List<string>();
        Expand(pattern, matches);
        return matches;
    }

    /// <summary>True when <paramref name="pattern"/> has glob syntax (<c>*?[\</c>).</summary>
    public static bool HasMeta(string pattern) => pattern.AsSpan().IndexOfAny("*?[\\") >= 0;

    /// <summary>True when <paramref name="name"/> (one path element) matches <paramref name="pattern"/> entirely.</summary>
    /// <exception cref="FormatException"><see cref="BadPattern"/>.</exception>
    public static bool Match(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        Validate(pattern);
        return MatchAt(Runes(pattern), 0, Runes(name), 0);
    }

    private static void Expand(string pattern, List<string> matches)
    {
        if (!HasMeta(pattern))
        {
            if (File.Exists(pattern) || Directory.Exists(pattern) || new FileInfo(pattern).LinkTarget is not null)
            {
                matches.Add(pattern);
            }

            return;
        }

        var slash = pattern.LastIndexOf('/');
        var dir = slash < 0 ? "." : slash == 0 ? "/" : pattern[..slash];
        var file = pattern[(slash + 1)..];
        if (!HasMeta(dir))
        {
            MatchIn(dir, file, matches);
            return;
        }

        if (dir == pattern)
        {
            throw new FormatException(BadPattern);
        }

        var dirs = new List<string>();
        Expand(dir, dirs);
        foreach (var d in dirs)
        {
            MatchIn(d, file, matches);
        }
    }

    private static void MatchIn(string dir, string pattern, List<string> matches)
    {
        if (!Directory.Exists(dir))
        {
            return;
        }

        string[] names;
        try
        {
            names = [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>()];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // As Go's glob: an unreadable directory contributes nothing.
            return;
        }

        Array.Sort(names, Utf8Ordinal.Instance);
        var p = Runes(pattern);
        foreach (var name in names)
        {
            if (MatchAt(p, 0, Runes(name), 0))
            {
                matches.Add(dir == "." ? name : Path.Join(dir, name));
            }
        }
    }

    private static int[] Runes(string s)
    {
        var list = new List<int>(s.Length);
        foreach (var r in s.EnumerateRunes())
        {
            list.Add(r.Value);
        }

        return [.. list];
    }

    private static bool MatchAt(int[] p, int pi, int[] n, int ni)
    {
        while (pi < p.Length)
        {
            switch (p[pi])
            {
                case '*':
                    while (pi < p.Length && p[pi] == '*')
                    {
                        pi++;
                    }

                    for (var k = ni; k <= n.Length; k++)
                    {
                        if (MatchAt(p, pi, n, k))
                        {
                            return true;
                        }

                        if (k < n.Length && n[k] == '/')
                        {
                            return false;
                        }
                    }

                    return false;
                case '?':
                    if (ni >= n.Length || n[ni] == '/')
                    {
                        return false;
                    }

                    pi++;
                    ni++;
                    break;
                case '[':
                    if (ni >= n.Length)
                    {
                        return false;
                    }

                    (var matched, pi) = MatchClass(p, pi + 1, n[ni]);
                    if (!matched)
                    {
                        return false;
                    }

                    ni++;
                    break;
                default:
                    var c = p[pi] == '\\' ? p[++pi] : p[pi];
                    if (ni >= n.Length || n[ni] != c)
                    {
                        return false;
                    }

                    pi++;
                    ni++;
                    break;
            }
        }

        return ni == n.Length;
    }

    /// <summary>Matches <paramref name="c"/> against the class starting after its <c>[</c>; returns where the class ends.</summary>
    private static (bool Matched, int Next) MatchClass(int[] p, int i, int c)
    {
        var negated = i < p.Length && p[i] == '^';
        if (negated)
        {
            i++;
        }

        var matched = false;
        var ranges = 0;
        while (true)
        {
            if (i < p.Length && p[i] == ']' && ranges > 0)
            {
                return (matched != negated, i + 1);
            }

            var lo = ClassChar(p, ref i);
            var hi = lo;
            if (i < p.Length && p[i] == '-')
            {
                i++;
                hi = ClassChar(p, ref i);
            }

            matched |= lo <= c && c <= hi;
            ranges++;
        }
    }

    private static int ClassChar(int[] p, ref int i)
    {
        if (i >= p.Length || p[i] is '-' or ']')
        {
            throw new FormatException(BadPattern);
        }

        if (p[i] == '\\' && ++i >= p.Length)
        {
            throw new FormatException(BadPattern);
        }

        return p[i++];
    }

    /// <summary>Throws for what Go's <c>Match</c> calls <c>ErrBadPattern</c>: an unclosed or empty class, a bad range, a trailing <c>\</c>.</summary>
    private static void Validate(string pattern)
    {
        var p = Runes(pattern);
        for (var i = 0; i < p.Length; i++)
        {
            switch (p[i])
            {
                case '\\':
                    if (++i >= p.Length)
                    {
                        throw new FormatException(BadPattern);
                    }

                    break;
                case '[':
                    i = MatchClass(p, i + 1, -1).Next - 1;
                    break;
            }
        }
    }
}
