using System.Globalization;

namespace Serverless.Monitoring.Core.PromQL;

/// <summary>One token: its kind and where it sits in the query (a span, no copy of the text).</summary>
public readonly record struct Token(TokenKind Kind, int Start, int End, string? Error = null)
{
    /// <summary>The span.</summary>
    public PositionRange Position => new(Start, End);

    /// <summary>The token's text in <paramref name="input"/>.</summary>
    public ReadOnlySpan<char> Span(string input) => input.AsSpan(Start, End - Start);

    /// <summary>The token's text in <paramref name="input"/>.</summary>
    public string Text(string input) => input.Substring(Start, End - Start);

    /// <summary>Upstream's <c>Item.desc()</c>: how "unexpected ..." errors name the token.</summary>
    public string Describe(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = Text(input);
        return Kind switch
        {
            TokenKind.Eof => "end of input",
            TokenKind.Error => Error ?? "error",
            TokenKind.Identifier => "identifier " + GoQuote(text),
            TokenKind.MetricIdentifier => "metric identifier " + GoQuote(text),
            TokenKind.String => "string " + Truncated(text),
            TokenKind.Number => "number " + Truncated(text),
            TokenKind.Duration => "duration " + Truncated(text),
            TokenKind.Comment => "comment " + Truncated(text),
            _ when Kind.IsOperator() || Kind == TokenKind.At => $"<op:{text}>",
            _ when Kind.IsAggregator() => $"<aggr:{text}>",
            _ when Kind.IsKeyword() => $"<{text}>",
            _ => GoQuote(text),
        };
    }

    private static string Truncated(string text) =>
        text.Length > 10 ? GoQuote(text[..10]) + "..." : GoQuote(text);

    private static string GoQuote(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
