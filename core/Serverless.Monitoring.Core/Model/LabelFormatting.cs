using System.Globalization;
using System.Text;

namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// Prometheus's text form of labels (<c>labels.String()</c>): <c>{a="b", c="d"}</c>, values
/// quoted like Go's <c>strconv.Quote</c>, names bare when they pass legacy validation and
/// quoted otherwise (UTF-8 names). Matching Go's quoting byte for byte keeps error messages
/// and API output identical to Prometheus's.
/// </summary>
internal static class LabelFormatting
{
    public static string Format(ReadOnlySpan<Label> labels)
    {
        var sb = new StringBuilder(2 + (labels.Length * 16));
        sb.Append('{');
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            AppendLabel(sb, labels[i]);
        }

        return sb.Append('}').ToString();
    }

    public static string Format(Label label)
    {
        var sb = new StringBuilder();
        AppendLabel(sb, label);
        return sb.ToString();
    }

    private static void AppendLabel(StringBuilder sb, Label label)
    {
        if (LabelValidation.IsValidLegacyLabelName(label.Name))
        {
            sb.Append(label.Name);
        }
        else
        {
            AppendGoQuoted(sb, label.Name);
        }

        sb.Append('=');
        AppendGoQuoted(sb, label.Value);
    }

    /// <summary>Appends <paramref name="s"/> as Go's <c>strconv.Quote</c> would.</summary>
    public static void AppendGoQuoted(StringBuilder sb, string s)
    {
        sb.Append('"');
        var span = s.AsSpan();
        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                // An unpaired surrogate has no UTF-8 form; Go would see U+FFFD.
                sb.Append("\\ufffd");
                span = span[1..];
                continue;
            }

            span = span[consumed..];
            AppendEscapedRune(sb, rune);
        }

        sb.Append('"');
    }

    /// <summary>
    /// Quotes UTF-8 bytes as Go's <c>strconv.Quote</c> (and <c>%q</c> on a byte slice) would: each
    /// byte that does not start a valid UTF-8 sequence becomes <c>\xNN</c>, one byte at a time.
    /// </summary>
    public static string GoQuote(ReadOnlySpan<byte> utf8)
    {
        var sb = new StringBuilder(utf8.Length + 2);
        sb.Append('"');
        while (!utf8.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(utf8, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                // Go's utf8.DecodeRune gives (RuneError, 1) for any invalid sequence.
                sb.Append("\\x").Append(utf8[0].ToString("x2", CultureInfo.InvariantCulture));
                utf8 = utf8[1..];
                continue;
            }

            utf8 = utf8[consumed..];
            AppendEscapedRune(sb, rune);
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Quotes a string as Go's <c>strconv.Quote</c> would.</summary>
    public static string GoQuote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        AppendGoQuoted(sb, s);
        return sb.ToString();
    }

    private static void AppendEscapedRune(StringBuilder sb, Rune r) =>
        Templates.GoStrconv.AppendEscapedRune(sb, r.Value, '"', asciiOnly: false);
}
