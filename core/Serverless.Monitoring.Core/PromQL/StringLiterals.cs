using System.Text;

namespace Serverless.Monitoring.Core.PromQL;

/// <summary>
/// Interprets PromQL string tokens as upstream's <c>strutil.Unquote</c> does (Go escapes in
/// <c>"..."</c> and <c>'...'</c>; raw <c>`...`</c> without escapes, carriage returns dropped).
/// Bytes that do not form valid UTF-8 (from <c>\x</c> or octal escapes) become lone surrogates
/// U+DC80..U+DCFF, so the string stays lossless and later validity checks ("invalid label name")
/// can see them; <see cref="Printer.GoQuote"/> prints them back as <c>\xNN</c>.
/// </summary>
public static class StringLiterals
{
    /// <summary>Unquotes a lexed string token (quotes included). The lexer has validated the escapes.</summary>
    public static string Unquote(ReadOnlySpan<char> token)
    {
        if (token.Length < 2)
        {
            throw new ArgumentException("not a quoted string", nameof(token));
        }

        var quote = token[0];
        var body = token[1..^1];
        if (quote == '`')
        {
            return body.Contains('\r') ? body.ToString().Replace("\r", string.Empty, StringComparison.Ordinal) : body.ToString();
        }

        if (!body.Contains('\\'))
        {
            return body.ToString();
        }

        var bytes = new List<byte>(body.Length);
        Span<byte> buf = stackalloc byte[4];
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c != '\\')
            {
                if (char.IsHighSurrogate(c) && i + 1 < body.Length && char.IsLowSurrogate(body[i + 1]))
                {
                    AppendRune(bytes, new Rune(c, body[i + 1]), buf);
                    i++;
                }
                else
                {
                    AppendRune(bytes, Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar, buf);
                }

                continue;
            }

            var e = body[++i];
            switch (e)
            {
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'n': bytes.Add(10); break;
                case 'r': bytes.Add(13); break;
                case 't': bytes.Add(9); break;
                case 'v': bytes.Add(11); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case '\'' or '"': bytes.Add((byte)e); break;
                case >= '0' and <= '7':
                    bytes.Add((byte)Convert.ToInt32(body.Slice(i, 3).ToString(), 8));
                    i += 2;
                    break;
                case 'x':
                    bytes.Add((byte)Convert.ToInt32(body.Slice(i + 1, 2).ToString(), 16));
                    i += 2;
                    break;
                case 'u':
                    AppendRune(bytes, new Rune(Convert.ToInt32(body.Slice(i + 1, 4).ToString(), 16)), buf);
                    i += 4;
                    break;
                case 'U':
                    AppendRune(bytes, new Rune(Convert.ToInt32(body.Slice(i + 1, 8).ToString(), 16)), buf);
                    i += 8;
                    break;
                default:
                    throw new ArgumentException($"unknown escape \\{e}", nameof(token));
            }
        }

        return Decode(bytes);
    }

    private static void AppendRune(List<byte> bytes, Rune r, Span<byte> buf)
    {
        var n = r.EncodeToUtf8(buf);
        for (var k = 0; k < n; k++)
        {
            bytes.Add(buf[k]);
        }
    }

    private static string Decode(List<byte> list)
    {
        var bytes = list.ToArray().AsSpan();
        var sb = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(bytes, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                sb.Append(rune.ToString());
                bytes = bytes[consumed..];
            }
            else
            {
                sb.Append((char)(0xDC00 + bytes[0]));
                bytes = bytes[1..];
            }
        }

        return sb.ToString();
    }

    /// <summary>True when <paramref name="s"/> holds only valid Unicode (no byte stand-ins or lone surrogates).</summary>
    public static bool IsValidUtf8(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return false;
            }
        }

        return true;
    }
}
