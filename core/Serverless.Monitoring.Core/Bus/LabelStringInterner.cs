using System.Buffers;
using System.Text;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// Turns UTF-8 label bytes into strings, handing out one instance per distinct short string
/// within a decode: label names and values like <c>job</c> repeat in every series, and a lookup
/// by span allocates nothing once the string is known.
/// </summary>
internal sealed class LabelStringInterner
{
    private const int MaxInternedBytes = 256;

    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public LabelStringInterner()
    {
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The string for valid UTF-8 bytes (callers check validity first).</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxInternedBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxInternedBytes];
        var n = Encoding.UTF8.GetChars(utf8, chars);
        var span = chars[..n];
        if (_lookup.TryGetValue(span, out var known))
        {
            return known;
        }

        var created = new string(span);
        _strings.Add(created);
        return created;
    }
}
