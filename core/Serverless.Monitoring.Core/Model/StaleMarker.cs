namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// Prometheus's staleness marker: a signalling NaN with the exact bits 0x7ff0000000000002
/// (<c>value.StaleNaN</c>), written when a series disappears from a scrape. It must be told
/// apart from ordinary NaN samples, so tests compare bits, never <see cref="double.IsNaN"/>.
/// </summary>
public static class StaleMarker
{
    /// <summary>The marker's IEEE 754 bit pattern.</summary>
    public const ulong Bits = 0x7ff0000000000002UL;

    /// <summary>
    /// The bits of Go's <c>math.NaN()</c> (<c>value.NormalNaN</c>), which Prometheus produces for
    /// computed NaNs; .NET's <see cref="double.NaN"/> has different bits (0xfff8000000000000).
    /// </summary>
    public const ulong NormalNaNBits = 0x7ff8000000000001UL;

    /// <summary>The marker as a double.</summary>
    public static double Value => BitConverter.UInt64BitsToDouble(Bits);

    /// <summary>True when <paramref name="value"/> has exactly the marker's bits.</summary>
    public static bool IsStale(double value) => BitConverter.DoubleToUInt64Bits(value) == Bits;
}
