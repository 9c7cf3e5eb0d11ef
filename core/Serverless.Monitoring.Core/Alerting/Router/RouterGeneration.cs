using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.Dispatch;
using Serverless.Monitoring.Core.Alerting.Inhibit;
using Serverless.Monitoring.Core.Alerting.Routing;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Router;

/// <summary>
/// What one loaded configuration makes of the router: the route tree, the inhibitor, the receivers'
/// integrations, the pipeline and the aggregation groups. A reload builds a new one and swaps it in;
/// the stores (alerts, silences, notification log) outlive it, as upstream's do.
/// </summary>
internal sealed class RouterGeneration : IDisposable
{
    private readonly Dictionary<string, Dispatch.RouteOptions> _routesByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<Route, Dispatch.RouteOptions> _routes = [];
    private readonly Dictionary<string, string> _escalationByKey = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly List<Task> _inFlight = [];

    public RouterGeneration(AlertmanagerConfiguration config, RouterReceivers receivers, Inhibitor inhibitor, NotificationPipeline pipeline)
    {
        Config = config;
        Root = Route.Build(config.Route);
        Receivers = receivers;
        Inhibitor = inhibitor;
        Pipeline = pipeline;
        foreach (var route in Root.Walk())
        {
            var options = ToDispatch(route);
            _routes[route] = options;
            _routesByKey.TryAdd(options.Key, options);
            if (route.Options.EscalationPolicy is { Length: > 0 } policy)
            {
                _escalationByKey.TryAdd(options.Key, policy);
            }
        }
    }

    public AlertmanagerConfiguration Config { get; }

    public Route Root { get; }

    public RouterReceivers Receivers { get; }

    public Inhibitor Inhibitor { get; }

    public NotificationPipeline Pipeline { get; }

    public Dispatcher Dispatcher { get; } = new();

    /// <summary>The routes an alert with these labels goes to, as the dispatcher takes them.</summary>
    public IReadOnlyList<Dispatch.RouteOptions> Match(LabelSet labels) => [.. Root.Match(labels).Select(r => _routes[r])];

    public Dispatch.RouteOptions? RouteByKey(string key) => _routesByKey.GetValueOrDefault(key);

    /// <summary>The escalation policy of a route (ours, inherited by child routes); null when it has none.</summary>
    public string? EscalationPolicyOf(string routeKey) => _escalationByKey.GetValueOrDefault(routeKey);

    /// <summary>Keeps a flush task so that the generation's clients live until it ends.</summary>
    public void Track(Task flush)
    {
        lock (_gate)
        {
            _inFlight.RemoveAll(t => t.IsCompleted);
            _inFlight.Add(flush);
        }
    }

    public Task Drain()
    {
        lock (_gate)
        {
            return Task.WhenAll(_inFlight);
        }
    }

    /// <summary>Disposes once the flushes in flight are over (a replaced generation may still be sending).</summary>
    public void DisposeWhenDrained() => _ = Drain().ContinueWith(_ => Dispose(), TaskScheduler.Default);

    public void Dispose() => Receivers.Dispose();

    private static Dispatch.RouteOptions ToDispatch(Route route) => new()
    {
        Key = route.Key(),
        Receiver = route.Options.Receiver,
        GroupBy = new HashSet<string>(route.Options.GroupBy, StringComparer.Ordinal),
        GroupByAll = route.Options.GroupByAll,
        GroupWait = route.Options.GroupWait,
        GroupInterval = route.Options.GroupInterval,
        RepeatInterval = route.Options.RepeatInterval,
        MuteTimeIntervals = route.Options.MuteTimeIntervals,
        ActiveTimeIntervals = route.Options.ActiveTimeIntervals,
    };
}
