using System.Text;

namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// Go's <c>os.Expand</c> as Prometheus applies it to <c>external_labels</c>: <c>$VAR</c> and
/// <c>${VAR}</c> are replaced from the environment (unset means empty), <c>$$</c> is a dollar.
/// </summary>
internal static class EnvironmentExpansion
{
    public static string Expand(string text, Func<string, string?> lookup)
    {
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '$' || i + 1 >= text.Length)
            {
                sb.Append(text[i++]);
                continue;
            }

            var (name, width) = ShellName(text.AsSpan(i + 1));
            if (name.Length == 0)
            {
                // Invalid syntax after "${" is eaten; a lone "$" stays.
                if (width == 0)
                {
                    sb.Append('$');
                }

                i += 1 + width;
                continue;
            }

            sb.Append(name == "$" ? "$" : lookup(name) ?? string.Empty);
            i += 1 + width;
        }

        return sb.ToString();
    }

    private static (string Name, int Width) ShellName(ReadOnlySpan<char> s)
    {
        if (s[0] == '{')
        {
            if (s.Length > 2 && IsSpecial(s[1]) && s[2] == '}')
            {
                return (s[1].ToString(), 3);
            }

            var close = s.IndexOf('}');
            return close <= 1 ? (string.Empty, close < 0 ? 1 : 2) : (s[1..close].ToString(), close + 1);
        }

        if (IsSpecial(s[0]))
        {
            return (s[0].ToString(), 1);
        }

        var n = 0;
        while (n < s.Length && (char.IsAsciiLetterOrDigit(s[n]) || s[n] == '_'))
        {
            n++;
        }

        return (s[..n].ToString(), n);
    }

    private static bool IsSpecial(char c) => c is '*' or '#' or '$' or '@' or '!' or '?' or '-' || char.IsAsciiDigit(c);
}
