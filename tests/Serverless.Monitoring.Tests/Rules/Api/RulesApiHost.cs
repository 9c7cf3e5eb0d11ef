using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Notifier;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Rules;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Functions.Api;
using Serverless.Monitoring.Tests.Rules.Evaluation;

namespace Serverless.Monitoring.Tests.Rules.Api;

/// <summary>
/// The rules endpoints as the app maps them, in a test server over a rule manager the test drives:
/// rule files parsed as the server parses them, evaluations at chosen slots over an in-memory
/// storage (outputs written back, as the bus would), a frozen wall clock a fixed delay after each slot,
/// and a local zone of the test's choosing (where <c>lastEvaluation</c> is printed).
/// </summary>
internal sealed class RulesApiHost : IAsyncDisposable
{
    /// <summary>2023-11-14T22:13:20Z, the first slot of the tests.</summary>
    public const long T0Seconds = 1_700_000_000;

    /// <summary>How long after its slot each evaluation starts by the wall clock.</summary>
    public static readonly TimeSpan WallDelay = TimeSpan.FromMilliseconds(250);

    private readonly WebApplication _app;

    private RulesApiHost(WebApplication app, RuleManager manager, ZonedClock clock, NotificationManager notifier)
    {
        _app = app;
        Manager = manager;
        Clock = clock;
        Notifier = notifier;
        Client = app.GetTestClient();
    }

    public RuleManager Manager { get; }

    public ZonedClock Clock { get; }

    public NotificationManager Notifier { get; }

    public InMemorySeriesSource Storage { get; } = new();

    public HttpClient Client { get; }

    /// <summary>A host over <paramref name="files"/> (path, YAML) in their order; <paramref name="localZone"/> defaults to UTC+1.</summary>
    public static async Task<RulesApiHost> StartAsync(IReadOnlyList<(string Path, string Yaml)> files, TimeZoneInfo? localZone = null)
    {
        var clock = new ZonedClock(localZone ?? TimeZoneInfo.CreateCustomTimeZone("UTC+1", TimeSpan.FromHours(1), "UTC+1", "UTC+1"));
        var manager = new RuleManager(_ => new RuleEvaluationOptions { TemplateExpander = LiteralTemplateExpander.Instance, TimeProvider = clock });
        var options = RuleFileOptions.For(PrometheusConfig.Default);
        manager.Apply([.. files.Select(f => RuleFile.Parse(f.Yaml, f.Path, options))], PrometheusConfig.Default, 0);
        var notifier = new NotificationManager(new MetricRegistry());

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(manager);
        builder.Services.AddSingleton<IRuleGroups>(manager);
        builder.Services.AddSingleton(notifier);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddRouting();
        var app = builder.Build();
        app.MapRulesEndpoints();
        await app.StartAsync();
        return new RulesApiHost(app, manager, clock, notifier);
    }

    /// <summary>Adds <c>value</c> of <paramref name="labels"/> at <paramref name="seconds"/> after <see cref="T0Seconds"/>.</summary>
    public void Add(LabelSet labels, double seconds, double value) =>
        Storage.Add(labels, (long)Math.Round((T0Seconds + seconds) * 1000), value);

    /// <summary>Evaluates every group at slot T0 + <paramref name="seconds"/>, the wall clock <see cref="WallDelay"/> later.</summary>
    public async Task EvaluateAsync(double seconds)
    {
        var slot = RuleTime.FromDateTimeOffset(DateTimeOffset.FromUnixTimeSeconds(T0Seconds)) + (long)Math.Round(seconds * 1e9);
        Clock.Now = RuleTime.ToDateTimeOffset(slot) + WallDelay;
        foreach (var (_, evaluator) in Manager.Groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var result = await evaluator.EvaluateAsync(slot, Storage);
            foreach (var series in result.Samples)
            {
                foreach (var sample in series.Samples)
                {
                    Storage.Add(series.Labels, sample.TimestampMs, sample.Value);
                }
            }
        }
    }

    /// <summary>Status and body of a GET.</summary>
    public async Task<(int Status, string Body)> GetAsync(string pathAndQuery)
    {
        using var response = await Client.GetAsync(new Uri(pathAndQuery, UriKind.Relative));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        await Notifier.DisposeAsync();
    }
}

/// <summary>A frozen wall clock (durations measured with it are zero) with a chosen local zone.</summary>
internal sealed class ZonedClock(TimeZoneInfo localZone) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

    public override TimeZoneInfo LocalTimeZone => localZone;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => Now;

    public override long GetTimestamp() => Now.UtcTicks;
}
