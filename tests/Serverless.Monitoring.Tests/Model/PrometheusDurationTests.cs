using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Model;

public sealed class PrometheusDurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("500ms", 500L)]
    [InlineData("15s", 15_000L)]
    [InlineData("1m", 60_000L)]
    [InlineData("1h30m", 5_400_000L)]
    [InlineData("15d", 1_296_000_000L)]
    [InlineData("1w", 604_800_000L)]
    [InlineData("1y", 31_536_000_000L)]
    [InlineData("1d2h3m4s5ms", 93_784_005L)]
    public void Parses_like_prometheus(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), PrometheusDuration.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("s")]
    [InlineData("1m1h")]
    [InlineData("1h1h")]
    [InlineData("1.5h")]
    [InlineData("-1m")]
    [InlineData("1 m")]
    [InlineData("1M")]
    [InlineData("99999999999999999999y")]
    public void Rejects_what_prometheus_rejects(string text)
    {
        Assert.False(PrometheusDuration.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(5_400_000L, "1h30m")]
    [InlineData(1_296_000_000L, "15d")]
    [InlineData(1_209_600_000L, "2w")]
    [InlineData(691_200_000L, "8d")]
    [InlineData(31_536_000_000L, "1y")]
    [InlineData(31_622_400_000L, "366d")]
    [InlineData(7_776_000_000L, "90d")]
    [InlineData(93_784_005L, "1d2h3m4s5ms")]
    public void Formats_like_prometheus(long milliseconds, string text)
    {
        Assert.Equal(text, PrometheusDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("512B", 512L)]
    [InlineData("1KB", 1024L)]
    [InlineData("512MB", 512L << 20)]
    [InlineData("2GB", 2L << 30)]
    [InlineData("1TB", 1L << 40)]
    public void Byte_sizes_parse_in_powers_of_1024(string text, long bytes)
    {
        Assert.Equal(bytes, ByteSize.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("MB")]
    [InlineData("1.5GB")]
    [InlineData("10")]
    [InlineData("1mb")]
    [InlineData("16EB")]
    public void Bad_byte_sizes_are_rejected(string text)
    {
        Assert.False(ByteSize.TryParse(text, out _, out var error));
        Assert.Contains(text, error, StringComparison.Ordinal);
    }
}
