namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// Orders strings by their UTF-8 bytes (equivalently, by Unicode code points), the order
/// Prometheus (Go) sorts label names and values in. Plain UTF-16 ordinal comparison differs
/// for characters above U+FFFF versus U+E000–U+FFFF, which would change the canonical label
/// order, and with it series IDs and index layouts.
/// </summary>
public sealed class Utf8Ordinal : IComparer<string>
{
    /// <summary>The shared instance.</summary>
    public static Utf8Ordinal Instance { get; } = new();

    private Utf8Ordinal()
    {
    }

    /// <summary>Compares in UTF-8 byte order; <c>null</c> sorts first.</summary>
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        return CompareSpans(x, y);
    }

    /// <summary>Compares in UTF-8 byte order.</summary>
    public static int CompareSpans(ReadOnlySpan<char> x, ReadOnlySpan<char> y)
    {
        var common = x.CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length - y.Length;
        }

        return Fix(x[common]) - Fix(y[common]);
    }

    /// <summary>
    /// Moves surrogates (which encode code points ≥ U+10000) above U+E000–U+FFFF; every other
    /// code unit already compares in code point order.
    /// </summary>
    private static int Fix(char c) => c switch
    {
        >= '\uE000' => c - 0x800,
        >= '\uD800' => c + 0x2000,
        _ => c,
    };
}
