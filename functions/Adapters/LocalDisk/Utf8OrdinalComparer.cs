namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>
/// Orders strings by Unicode code point, which is the UTF-8 byte order that Azure lists blobs in.
/// Plain ordinal (UTF-16) order differs only where a surrogate pair meets U+E000..U+FFFF.
/// </summary>
internal sealed class Utf8OrdinalComparer : IComparer<string>
{
    public static readonly Utf8OrdinalComparer Instance = new();

    private Utf8OrdinalComparer()
    {
    }

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

        var common = x.AsSpan().CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length.CompareTo(y.Length);
        }

        int a = x[common];
        int b = y[common];
        if (a >= 0xD800 && b >= 0xD800)
        {
            // Move surrogates above U+E000..U+FFFF (the trick ICU uses for code point order).
            a = a >= 0xE000 ? a - 0x800 : a + 0x2000;
            b = b >= 0xE000 ? b - 0x800 : b + 0x2000;
        }

        return a.CompareTo(b);
    }
}
