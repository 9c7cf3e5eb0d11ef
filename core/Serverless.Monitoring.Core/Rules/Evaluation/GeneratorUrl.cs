using System.Text;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>An alert's <c>generatorURL</c> as upstream builds it (<c>strutil.TableLinkForExpression</c>).</summary>
public static class GeneratorUrl
{
    private const string Hex = "0123456789ABCDEF";

    /// <summary><c>externalUrl + "/graph?g0.expr=" + QueryEscape(expression) + "&amp;g0.tab=1"</c>.</summary>
    public static string For(string externalUrl, string expression) =>
        externalUrl + "/graph?g0.expr=" + QueryEscape(expression) + "&g0.tab=1";

    /// <summary>Go's <c>url.QueryEscape</c>: letters, digits and <c>-_.~</c> stay, a space becomes <c>+</c>, every other UTF-8 byte <c>%XX</c>.</summary>
    public static string QueryEscape(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var bytes = Encoding.UTF8.GetBytes(s);
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                sb.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
            }
        }

        return sb.ToString();
    }
}
