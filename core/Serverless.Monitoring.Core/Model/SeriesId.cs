using System.Buffers;
using System.Globalization;
using System.Text;
using System.IO.Hashing;

namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// The stable 64-bit identity of a series, derived from its label set alone. It is persisted
/// (block indexes, table keys, shard assignment), so its definition must never change:
/// <para>
/// xxHash64 with seed 0 over the canonical encoding of the labels in <see cref="LabelSet"/>
/// order (UTF-8 byte order of names): for each label, the UTF-8 bytes of the name, a 0xFF byte,
/// the UTF-8 bytes of the value, a 0xFF byte. 0xFF never occurs in UTF-8, so distinct label sets
/// have distinct encodings. This is the encoding Prometheus's <c>labels.Hash()</c> uses in its
/// slice-based label build.
/// </para>
/// A test pins known values so the definition cannot change silently.
/// </summary>
public readonly record struct SeriesId(ulong Value)
{
    /// <summary>The byte that ends each name and each value in the canonical encoding.</summary>
    public const byte Separator = 0xFF;

    // Label sets this small hash from a stack buffer; larger ones rent.
    private const int StackLimit = 512;

    /// <summary>The ID of <paramref name="labels"/> (cached on the set).</summary>
    public static SeriesId Of(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return labels.Id;
    }

    /// <summary>Computes the ID of labels already in canonical order.</summary>
    internal static SeriesId Compute(ReadOnlySpan<Label> sortedLabels)
    {
        // UTF-8 needs at most 3 bytes per UTF-16 code unit; an upper bound avoids a counting pass.
        var max = 0;
        foreach (var l in sortedLabels)
        {
            max += (3 * (l.Name.Length + l.Value.Length)) + 2;
        }

        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = WriteCanonical(sortedLabels, buffer);
            return new SeriesId(XxHash64.HashToUInt64(buffer[..n]));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes the canonical encoding; returns the number of bytes written.</summary>
    internal static int WriteCanonical(ReadOnlySpan<Label> sortedLabels, Span<byte> destination)
    {
        var pos = 0;
        foreach (var l in sortedLabels)
        {
            pos += Encoding.UTF8.GetBytes(l.Name, destination[pos..]);
            destination[pos++] = Separator;
            pos += Encoding.UTF8.GetBytes(l.Value, destination[pos..]);
            destination[pos++] = Separator;
        }

        return pos;
    }

    /// <summary>Parses the 16-hex-digit form produced by <see cref="ToString"/>.</summary>
    public static SeriesId Parse(string s) =>
        TryParse(s, out var id) ? id : throw new FormatException($"not a series ID: {s}");

    /// <summary>Parses the 16-hex-digit form produced by <see cref="ToString"/>.</summary>
    public static bool TryParse(string? s, out SeriesId id)
    {
        if (s is { Length: 16 }
            && ulong.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
        {
            id = new SeriesId(v);
            return true;
        }

        id = default;
        return false;
    }

    /// <summary>Sixteen lower-case hex digits; fixed width, so text order equals numeric order.</summary>
    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);
}
