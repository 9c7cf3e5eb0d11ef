using System.Globalization;
using System.Text;
using System.IO.Hashing;

namespace Serverless.Monitoring.Core.Storage;

/// <summary>
/// Table keys the storage engine writes: sortable encodings of signed numbers and key-safe,
/// order-preserving (for short inputs) encodings of arbitrary label text. Azure forbids
/// '/', '\', '#', '?' and control characters in keys and limits them to 1 KiB (512 UTF-16
/// characters); every key here stays far below that.
/// </summary>
internal static class TableKeys
{
    /// <summary>Longest encoded text part of a key; longer text is cut and made unique with a hash.</summary>
    public const int MaxTextPart = 160;

    /// <summary>A signed number as 16 hex digits that sort like the number (offset binary).</summary>
    public static string Sortable(long value) =>
        unchecked((ulong)value ^ 0x8000_0000_0000_0000UL).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The inverse of <see cref="Sortable"/>.</summary>
    public static long ParseSortable(ReadOnlySpan<char> key) =>
        unchecked((long)(ulong.Parse(key, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) ^ 0x8000_0000_0000_0000UL));

    /// <summary>The index of the window of <paramref name="size"/> ms holding <paramref name="timeMs"/> (floor division).</summary>
    public static long Window(long timeMs, long size) => timeMs >= 0 ? timeMs / size : ((timeMs + 1) / size) - 1;

    /// <summary>
    /// Text as lowercase hex of its UTF-8 bytes (byte order preserved, no forbidden characters);
    /// when that exceeds <see cref="MaxTextPart"/>, a prefix plus '~' and a 64-bit hash. Rows keep
    /// the original text in a property; the key only has to be deterministic and unique.
    /// </summary>
    public static string Text(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var hex = Convert.ToHexStringLower(bytes);
        if (hex.Length <= MaxTextPart)
        {
            return hex;
        }

        var hash = XxHash64.HashToUInt64(bytes).ToString("x16", CultureInfo.InvariantCulture);
        return string.Concat(hex.AsSpan(0, MaxTextPart - 17), "~", hash);
    }

    /// <summary>
    /// The exclusive upper bound of row keys that start with <paramref name="prefix"/>: the
    /// prefix with its last character incremented (prefixes end with '-', so the bound ends with '.').
    /// </summary>
    public static string PrefixEnd(string prefix) => string.Concat(prefix.AsSpan(0, prefix.Length - 1), ((char)(prefix[^1] + 1)).ToString());
}
