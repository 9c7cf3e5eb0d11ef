using System.Text;
using System.IO.Hashing;

namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>
/// Block IDs: 1 to 128 characters from <c>[0-9A-Za-z._-]</c>, so they fit blob names and table
/// keys unescaped. The generated ones are ULIDs (26 Crockford base32 characters: 48 bits of
/// milliseconds, then 80 bits) whose 80 bits come from a hash instead of a random source, so
/// the same input always gives the same ID and IDs still sort by time.
/// </summary>
public static class BlockId
{
    /// <summary>The longest ID allowed.</summary>
    public const int MaxLength = 128;

    /// <summary>The rule IDs follow, for error messages.</summary>
    public const string Rule = "1 to 128 characters from [0-9A-Za-z._-]";

    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    // System.IO.Hashing takes the seed as a long: the same 64 bits as 0x9E3779B97F4A7C15.
    private const long SecondSeed = unchecked((long)0x9E3779B97F4A7C15UL);
    private const long MaxUlidTime = (1L << 48) - 1;

    /// <summary>True when <paramref name="id"/> is a valid block ID.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A ULID derived from <paramref name="key"/> (e.g. an ingest batch ID): the same key and
    /// time always give the same ID. Times outside ULID's range are clamped to it.
    /// </summary>
    public static string FromKey(long timeMs, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bytes = Encoding.UTF8.GetBytes(key);
        return FromHashes(timeMs, XxHash64.HashToUInt64(bytes), XxHash64.HashToUInt64(bytes, SecondSeed));
    }

    /// <summary>Two hashers whose results <see cref="FromHashes"/> turns into an ID.</summary>
    internal static (XxHash64 First, XxHash64 Second) CreateHashers() => (new XxHash64(), new XxHash64(SecondSeed));

    internal static string FromHashes(long timeMs, ulong first, ulong second)
    {
        var time = (ulong)Math.Clamp(timeMs, 0, MaxUlidTime);
        var value = ((UInt128)time << 80) | ((UInt128)first << 16) | (UInt128)(second >> 48);
        Span<char> chars = stackalloc char[26];
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Crockford[(int)(value & 0x1F)];
            value >>= 5;
        }

        return new string(chars);
    }
}
