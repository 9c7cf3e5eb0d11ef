using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>
/// The reversible mapping of names onto Linux file names (the names themselves follow Azure's
/// rules, checked by <see cref="StorageNaming"/>, so a name that works embedded also works in Azure).
/// </summary>
/// <remarks>
/// A name segment is escaped byte-wise over its UTF-8: ASCII letters, digits, '-', '_' and '.'
/// (except a leading '.') stay, every other byte becomes %XX, and the empty segment becomes a lone
/// "%". So escaped segments never start with '.', never contain '~' and are never "." or "..":
/// names starting with '.' or containing '~' are free for the adapters' own files (".tmp", ".long").
/// </remarks>
internal static class LocalDiskNaming
{
    /// <summary>Longest escaped segment used as a file name; longer ones are hashed (Linux allows 255 bytes).</summary>
    public const int MaxEscapedSegment = 200;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string EscapeSegment(ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty)
        {
            return "%";
        }

        var bytes = Encoding.UTF8.GetBytes(segment.ToArray());
        var builder = new StringBuilder(bytes.Length + 8);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (char.IsAsciiLetterOrDigit((char)b) || b == '-' || b == '_' || (b == '.' && i > 0))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
            }
        }

        return builder.ToString();
    }

    /// <summary>Reverses <see cref="EscapeSegment"/>; false for anything it cannot have produced.</summary>
    public static bool TryUnescapeSegment(ReadOnlySpan<char> escaped, out string segment)
    {
        segment = string.Empty;
        if (escaped is "%")
        {
            return true;
        }

        if (escaped.IsEmpty || escaped[0] == '.')
        {
            return false;
        }

        var bytes = new byte[escaped.Length];
        var count = 0;
        for (var i = 0; i < escaped.Length; i++)
        {
            var c = escaped[i];
            if (c == '%')
            {
                if (i + 2 >= escaped.Length)
                {
                    return false;
                }

                var hi = HexValue(escaped[i + 1]);
                var lo = HexValue(escaped[i + 2]);
                if (hi < 0 || lo < 0)
                {
                    return false;
                }

                bytes[count++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            {
                bytes[count++] = (byte)c;
            }
            else
            {
                return false;
            }
        }

        try
        {
            segment = StrictUtf8.GetString(bytes, 0, count);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>A fixed-length file name for a name too long to escape into one: lowercase hex SHA-256 of its UTF-8.</summary>
    public static string Hash(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    /// <summary>An opaque continuation token that carries a name (base64url of its UTF-8).</summary>
    public static string EncodeToken(string name) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(name));

    public static string DecodeToken(string token)
    {
        try
        {
            return StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException ex)
        {
            throw new StorageRequestException("Invalid continuation token.", "InvalidInput", ex);
        }
        catch (ArgumentException ex)
        {
            throw new StorageRequestException("Invalid continuation token.", "InvalidInput", ex);
        }
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
