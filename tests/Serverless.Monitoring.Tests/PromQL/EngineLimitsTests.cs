using System.Diagnostics;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Tests.PromQL;

/// <summary>The engine's sample limit, timeout and cancellation: Prometheus's error texts and types, never a crash.</summary>
public sealed class EngineLimitsTests
{
    private const string TooManySamples = "query processing would load too many samples into memory in query execution";

    /// <summary><c>a</c> and <c>b{i="1".."3"}</c>: one sample every 10 s from 0 to 1000 s (as upstream's TestQueryStatistics).</summary>
    private static readonly InMemorySeriesSource Small = SmallData();

    /// <summary>2,000 series, one sample every 10 s for an hour: enough work that a range query over it runs for seconds.</summary>
    private static readonly Lazy<InMemorySeriesSource> Big = new(BigData);

    /// <summary>
    /// Query, start, end, step (seconds; end 0 for an instant query), and the peak samples held,
    /// counted by hand: each node's output, range windows and subquery points of one step, plus
    /// the range query's output so far (upstream's currentSamples; the figures that upstream's
    /// TestQueryStatistics shares are marked "= upstream").
    /// </summary>
    public static TheoryData<string, long, long, long, long> Peaks => new()
    {
        { "1", 201, 0, 0, 1 }, // = upstream
        { "a", 201, 0, 0, 1 }, // = upstream
        { "timestamp(a)", 201, 0, 0, 2 }, // = upstream
        { "-a", 201, 0, 0, 2 },
        { "a[60s]", 201, 0, 0, 6 }, // = upstream
        { "a[60s:5s]", 201, 0, 0, 12 }, // = upstream: 12 inner steps of one sample
        { "b + b", 201, 0, 0, 9 },
        { "max_over_time(b[60s])", 201, 0, 0, 9 }, // = upstream: one series' window (6) at a time, then the outputs so far
        { "sum(max_over_time(b[60s]))", 201, 0, 0, 9 }, // as above; the sum then holds at most 3 + 1
        { "max_over_time(b[60s:5s])", 201, 0, 0, 39 }, // 36 subquery points + 3
        { "b", 201, 220, 5, 12 }, // = upstream: 4 steps of 3
        { "timestamp(a)", 201, 220, 5, 5 }, // = upstream: 3 output points + 2 at the last step
        // A function over a range selector in a range query runs series by series for all steps
        // (as upstream's range evaluation): one series' window at a time, each series' 4 output
        // points held from then on. Was 30 when it ran step by step (9 output points + 18 window
        // points + 3); now 4 + 4 + 6 (the last window) + 4.
        { "max_over_time(b[60s])", 201, 220, 5, 18 }, // = upstream
        { "sum(max_over_time(b[60s]))", 201, 220, 5, 18 }, // as above; the sum then holds at most 12 + 1
        { "rate(b[60s])", 201, 220, 5, 18 }, // as max_over_time: the same windows and output points
    };

    /// <summary>Query, start, end, step (seconds) and the raw samples selected from the source.</summary>
    public static TheoryData<string, long, long, long, long> Selections => new()
    {
        { "a", 201, 0, 0, 21 }, // lookback (-99 s, 201 s]
        { "a[60s]", 201, 0, 0, 6 }, // the window only, no lookback
        { "a @ 100", 201, 0, 0, 11 },
        { "a offset 100s", 201, 0, 0, 11 },
        { "max_over_time(b[60s:5s])", 201, 0, 0, 63 }, // 3 × (0..200 s): subquery range plus lookback
        { "b", 201, 220, 5, 69 }, // 3 × (0..220 s)
    };

    [Fact]
    public void Defaults_are_Prometheus_flags_defaults()
    {
        var options = new PromQLEngineOptions();
        Assert.Equal(50_000_000, options.MaxSamples);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Timeout);
        Assert.Equal(TimeSpan.FromMinutes(5), options.LookbackDelta);
    }

    [Theory]
    [MemberData(nameof(Peaks))]
    public async Task A_query_at_its_peak_passes_and_one_sample_less_fails(string query, long start, long end, long step, long peak)
    {
        var unlimitedSelection = new PromQLEngineOptions { MaxSamples = (int)peak, MaxSelectedSamples = int.MaxValue };
        var result = await RunAsync(new PromQLEngine(Small, unlimitedSelection), query, start, end, step);
        Assert.Equal(peak, result.PeakSamples);

        var ex = await Assert.ThrowsAsync<PromQLEvaluationException>(() =>
            RunAsync(new PromQLEngine(Small, unlimitedSelection with { MaxSamples = (int)peak - 1 }), query, start, end, step));
        Assert.Equal(TooManySamples, ex.Message);
        Assert.Equal(PromQLErrorType.Execution, ex.ErrorType);
        Assert.Equal("execution", ex.ErrorType.ToApiName());
    }

    [Theory]
    [MemberData(nameof(Selections))]
    public async Task Selecting_more_raw_samples_than_allowed_fails(string query, long start, long end, long step, long selected)
    {
        var options = new PromQLEngineOptions { MaxSelectedSamples = (int)selected };
        await RunAsync(new PromQLEngine(Small, options), query, start, end, step);

        var ex = await Assert.ThrowsAsync<PromQLEvaluationException>(() =>
            RunAsync(new PromQLEngine(Small, options with { MaxSelectedSamples = (int)selected - 1 }), query, start, end, step));
        Assert.Equal(TooManySamples, ex.Message);
        Assert.Equal(PromQLErrorType.Execution, ex.ErrorType);
    }

    [Fact]
    public async Task A_long_range_query_stops_at_the_timeout()
    {
        var engine = new PromQLEngine(Big.Value, new PromQLEngineOptions { Timeout = TimeSpan.FromMilliseconds(200) });
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<PromQLEvaluationException>(() =>
            RunAsync(engine, "sum by (group) (quantile_over_time(0.5, big[5m])) / on (group) group_left count by (group) (big)", 0, 3600, 1));
        Assert.Equal("query timed out in expression evaluation", ex.Message);
        Assert.Equal(PromQLErrorType.Timeout, ex.ErrorType);
        Assert.Equal("timeout", ex.ErrorType.ToApiName());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopped only after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_slow_selection_that_ignores_the_token_still_times_out()
    {
        var source = new HookedSource(Small, (_, _) =>
        {
            Thread.Sleep(300);
            return Task.CompletedTask;
        });
        var engine = new PromQLEngine(source, new PromQLEngineOptions { Timeout = TimeSpan.FromMilliseconds(100) });
        var ex = await Assert.ThrowsAsync<PromQLEvaluationException>(() => RunAsync(engine, "a", 201, 0, 0));
        Assert.Equal("query timed out in expression evaluation", ex.Message);
        Assert.Equal(PromQLErrorType.Timeout, ex.ErrorType);
    }

    [Fact]
    public async Task A_selection_waiting_on_the_token_is_stopped_by_the_timeout()
    {
        var source = new HookedSource(Small, (_, token) => Task.Delay(Timeout.Infinite, token));
        var engine = new PromQLEngine(source, new PromQLEngineOptions { Timeout = TimeSpan.FromMilliseconds(50) });
        var ex = await Assert.ThrowsAsync<PromQLEvaluationException>(() => RunAsync(engine, "rate(a[1m])", 201, 0, 0));
        Assert.Equal("query timed out in expression evaluation", ex.Message);
        Assert.Equal(PromQLErrorType.Timeout, ex.ErrorType);
    }

    [Fact]
    public async Task A_canceled_token_stops_the_query_before_it_selects_anything()
    {
        var selects = 0;
        var source = new HookedSource(Small, (_, _) =>
        {
            selects++;
            return Task.CompletedTask;
        });
        var ex = await Assert.ThrowsAsync<PromQLEvaluationException>(() =>
            new PromQLEngine(source).InstantQueryAsync(Parser.ParseExpr("a"), 201_000, new CancellationToken(canceled: true)));

        // Upstream checks the context first in exec(), whose stage is "query execution".
        Assert.Equal("query was canceled in query execution", ex.Message);
        Assert.Equal(PromQLErrorType.Canceled, ex.ErrorType);
        Assert.Equal("canceled", ex.ErrorType.ToApiName());
        Assert.Equal(0, selects);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_token_canceled_while_selecting_stops_the_query(bool sourceObservesToken)
    {
        using var cts = new CancellationTokenSource();
        var source = new HookedSource(Small, async (_, token) =>
        {
            await cts.CancelAsync();
            if (sourceObservesToken)
            {
                token.ThrowIfCancellationRequested();
            }
        });
        var ex = await Assert.ThrowsAsync<PromQLEvaluationException>(() =>
            new PromQLEngine(source).RangeQueryAsync(Parser.ParseExpr("sum(b)"), 0, 1_000_000, 10_000, cts.Token));
        Assert.Equal("query was canceled in expression evaluation", ex.Message);
        Assert.Equal(PromQLErrorType.Canceled, ex.ErrorType);
    }

    [Fact]
    public async Task A_token_canceled_during_evaluation_stops_the_query()
    {
        var engine = new PromQLEngine(Big.Value);
        using var cts = new CancellationTokenSource();
        // Seconds of work whatever the machine (a quantile sorts every window; rate takes a
        // window's ends only and finishes before the cancel on a fast one).
        var query = Parser.ParseExpr("sum by (group) (quantile_over_time(0.5, big[5m]))");
        var clock = Stopwatch.StartNew();
        var run = Task.Run(() => engine.RangeQueryAsync(query, 0, 3_600_000, 1000, cts.Token));
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));
        var ex = await Assert.ThrowsAsync<PromQLEvaluationException>(() => run);
        Assert.Equal("query was canceled in expression evaluation", ex.Message);
        Assert.Equal(PromQLErrorType.Canceled, ex.ErrorType);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopped only after {clock.Elapsed}");
    }

    public static TheoryData<PromQLEngineOptions> InvalidOptions => new()
    {
        new PromQLEngineOptions { MaxSamples = -1 },
        new PromQLEngineOptions { MaxSelectedSamples = -1 },
        new PromQLEngineOptions { Timeout = TimeSpan.Zero },
        new PromQLEngineOptions { LookbackDelta = TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Out_of_range_options_are_refused(PromQLEngineOptions options) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PromQLEngine(Small, options));

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, 60, -1)]
    [InlineData(60, 0, 1)]
    public async Task A_range_query_needs_a_positive_step_and_an_end_after_its_start(long start, long end, long step) =>
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => new PromQLEngine(Small).RangeQueryAsync(Parser.ParseExpr("a"), start * 1000, end * 1000, step * 1000));

    [Fact]
    public async Task An_infinite_timeout_is_no_timeout()
    {
        var engine = new PromQLEngine(Small, new PromQLEngineOptions { Timeout = Timeout.InfiniteTimeSpan });
        var result = await RunAsync(engine, "sum(b)", 201, 0, 0);
        Assert.Equal(3 * 21, result.Series.Single().Points.Single().Value); // each b{i} is 21 at 200 s
    }

    private static Task<QueryResult> RunAsync(PromQLEngine engine, string query, long start, long end, long step)
    {
        var expr = Parser.ParseExpr(query);
        return end == 0
            ? engine.InstantQueryAsync(expr, start * 1000)
            : engine.RangeQueryAsync(expr, start * 1000, end * 1000, step * 1000);
    }

    private static InMemorySeriesSource SmallData()
    {
        var source = new InMemorySeriesSource();
        LabelSet[] series =
        [
            LabelSet.FromStrings(["__name__", "a"]),
            .. Enumerable.Range(1, 3).Select(i => LabelSet.FromStrings(["__name__", "b", "i", i.ToString(System.Globalization.CultureInfo.InvariantCulture)])),
        ];
        foreach (var labels in series)
        {
            for (var i = 0; i <= 100; i++)
            {
                source.Add(labels, i * 10_000L, i + 1);
            }
        }

        return source;
    }

    private static InMemorySeriesSource BigData()
    {
        var source = new InMemorySeriesSource();
        for (var s = 0; s < 2000; s++)
        {
            var labels = LabelSet.FromStrings(["__name__", "big", "group", (s % 10).ToString(System.Globalization.CultureInfo.InvariantCulture), "s", s.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            for (var i = 0; i <= 360; i++)
            {
                source.Add(labels, i * 10_000L, i * (s + 1));
            }
        }

        return source;
    }

    /// <summary>Runs a hook (delay, cancel) before each selection of the inner source.</summary>
    private sealed class HookedSource(ISeriesSource inner, Func<IReadOnlyList<LabelMatcher>, CancellationToken, Task> hook) : ISeriesSource
    {
        public async Task<IReadOnlyList<ISourceSeries>> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken)
        {
            await hook(matchers, cancellationToken);
            return await inner.SelectAsync(matchers, minTimeMs, maxTimeMs, cancellationToken);
        }
    }
}
