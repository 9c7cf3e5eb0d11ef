using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Rules.Testing;

namespace Serverless.Monitoring.Tests.Rules.UnitTests;

/// <summary>input_series as promtool's load command reads them, handed to the storage lazily.</summary>
public sealed class InputSeriesLoaderTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Samples_reach_the_storage_up_to_each_time()
    {
        var loader = InputSeriesLoader.Parse([new("a", "1 _ 3 stale 5"), new("b{x=\"y\"}", "7x2")], Minute);
        var storage = new InMemorySeriesSource();

        loader.AppendUntil(59_999, storage);
        Assert.Equal([(0L, 1.0)], await SamplesAsync(storage, "a"));
        Assert.Equal([(0L, 7.0)], await SamplesAsync(storage, "b"));

        loader.AppendUntil(180_000, storage);
        var a = await SamplesAsync(storage, "a");
        Assert.Equal([0L, 120_000L, 180_000L], a.Select(s => s.Ms));
        Assert.True(StaleMarker.IsStale(a[2].Value));
        Assert.Equal([0L, 60_000L, 120_000L], (await SamplesAsync(storage, "b")).Select(s => s.Ms));

        loader.AppendUntil(long.MaxValue, storage);
        Assert.Equal(240_000L, (await SamplesAsync(storage, "a"))[^1].Ms);
    }

    [Fact]
    public async Task A_later_series_with_the_same_labels_replaces_the_earlier()
    {
        var loader = InputSeriesLoader.Parse([new("a", "1 1 1"), new("a", "9")], Minute);
        var storage = new InMemorySeriesSource();
        loader.AppendUntil(long.MaxValue, storage);
        Assert.Equal([(0L, 9.0)], await SamplesAsync(storage, "a"));
    }

    /// <summary>Each series is a line of promtool's load command: an empty one or a comment ends the input.</summary>
    [Theory]
    [InlineData("", "")]
    [InlineData("# a comment", "1")]
    [InlineData("  ", "")]
    public async Task A_blank_or_comment_line_ends_the_input(string series, string values)
    {
        var loader = InputSeriesLoader.Parse([new("a", "1"), new(series, values), new("b", "2")], Minute);
        var storage = new InMemorySeriesSource();
        loader.AppendUntil(long.MaxValue, storage);
        Assert.Single(await SamplesAsync(storage, "a"));
        Assert.Empty(await SamplesAsync(storage, "b"));
    }

    [Fact]
    public void A_series_that_does_not_parse_is_a_parse_error_placed_in_its_line()
    {
        var error = Assert.Throws<PromQLParseException>(() => InputSeriesLoader.Parse([new("a", "1"), new("b", "1 2 x")], Minute));
        Assert.StartsWith("1:7: parse error: ", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<(long Ms, double Value)>> SamplesAsync(InMemorySeriesSource storage, string name)
    {
        var series = await storage.SelectAsync([LabelMatcher.Equal(LabelValidation.MetricNameLabel, name)], long.MinValue, long.MaxValue, CancellationToken.None);
        var samples = new List<(long, double)>();
        foreach (var s in series)
        {
            var it = s.Iterator();
            while (it.MoveNext())
            {
                samples.Add((it.Timestamp, it.Value));
            }
        }

        return samples;
    }
}
