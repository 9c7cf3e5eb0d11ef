using System.Text;

namespace Serverless.Monitoring.Core.Exposition;

/// <summary>
/// Undoes the exposition formats' escaping the way Prometheus's <c>strings.Replacer</c>s do:
/// label values, quoted names and OpenMetrics help text know <c>\\</c>, <c>\"</c> and <c>\n</c>;
/// text format help knows only <c>\\</c> and <c>\n</c>. Any other backslash stays as written.
/// </summary>
internal static class ExpositionEscaping
{
    /// <summary>Unescapes <paramref name="raw"/> into a string (the common no-escape case decodes directly).</summary>
    public static string Unescape(ReadOnlySpan<byte> raw, bool quoteEscape)
    {
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }

        Span<byte> buffer = raw.Length <= 256 ? stackalloc byte[raw.Length] : new byte[raw.Length];
        var length = Unescape(raw, buffer, quoteEscape);
        return Encoding.UTF8.GetString(buffer[..length]);
    }

    /// <summary>Unescapes into <paramref name="destination"/> (at least as long as the input); returns the length.</summary>
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination, bool quoteEscape)
    {
        var written = 0;
        var i = 0;
        while (i < raw.Length)
        {
            var k = raw[i..].IndexOf((byte)'\\');
            if (k < 0)
            {
                raw[i..].CopyTo(destination[written..]);
                return written + (raw.Length - i);
            }

            raw.Slice(i, k).CopyTo(destination[written..]);
            written += k;
            i += k;
            var next = i + 1 < raw.Length ? raw[i + 1] : (byte)0;
            switch (next)
            {
                case (byte)'\\':
                    destination[written++] = (byte)'\\';
                    i += 2;
                    break;
                case (byte)'n':
                    destination[written++] = (byte)'\n';
                    i += 2;
                    break;
                case (byte)'"' when quoteEscape:
                    destination[written++] = (byte)'"';
                    i += 2;
                    break;
                default:
                    destination[written++] = (byte)'\\';
                    i++;
                    break;
            }
        }

        return written;
    }
}
