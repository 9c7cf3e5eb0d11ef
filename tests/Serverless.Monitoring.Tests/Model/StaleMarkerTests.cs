using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Model;

public sealed class StaleMarkerTests
{
    [Fact]
    public void Marker_has_prometheus_bits()
    {
        Assert.Equal(0x7ff0000000000002UL, BitConverter.DoubleToUInt64Bits(StaleMarker.Value));
        Assert.True(double.IsNaN(StaleMarker.Value));
        Assert.True(StaleMarker.IsStale(StaleMarker.Value));
    }

    [Theory]
    [InlineData(0xfff8000000000000UL)] // .NET double.NaN
    [InlineData(0x7ff8000000000001UL)] // Go math.NaN()
    [InlineData(0x7ff0000000000001UL)]
    [InlineData(0xfff0000000000002UL)] // marker bits with the sign set
    [InlineData(0x7ff0000000000000UL)] // +Inf
    [InlineData(0UL)]
    public void Other_values_are_not_stale(ulong bits)
    {
        Assert.False(StaleMarker.IsStale(BitConverter.UInt64BitsToDouble(bits)));
    }

    [Fact]
    public void Samples_know_staleness()
    {
        Assert.True(new Sample(1, StaleMarker.Value).IsStale);
        Assert.False(new Sample(1, double.NaN).IsStale);
        Assert.Equal(0x7ff8000000000001UL, StaleMarker.NormalNaNBits);
    }
}
