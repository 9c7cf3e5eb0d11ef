using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Core.Rules.Evaluation;
using RuntimeGroup = Serverless.Monitoring.Core.Rules.Evaluation.RuleGroup;

namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// The running rule groups of one process, as upstream's rule manager keeps them across reloads:
/// each (re)loaded config's groups get an evaluator; a group that was running before resumes from
/// its state (alerts carried over by rule name and labels, <c>CopyState</c>); a new group restores
/// its <c>for</c> state from <c>ALERTS_FOR_STATE</c> only on the first load after a start; a removed
/// group's series get stale markers.
/// </summary>
public sealed class RuleManager : IRuleGroups
{
    private readonly Func<PrometheusConfig, RuleEvaluationOptions> _options;
    private readonly Lock _gate = new();
    private Dictionary<string, RuleGroupEvaluator> _groups = new(StringComparer.Ordinal);
    private bool _loaded;

    /// <param name="options">The evaluation options for a config (external labels and URL, query offset, templates).</param>
    public RuleManager(Func<PrometheusConfig, RuleEvaluationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>The running groups' evaluators, by <see cref="RuntimeRuleGroups.Key"/>.</summary>
    public IReadOnlyDictionary<string, RuleGroupEvaluator> Groups
    {
        get
        {
            lock (_gate)
            {
                return _groups;
            }
        }
    }

    /// <summary>The evaluator of a group, or null when no loaded group has that key.</summary>
    public RuleGroupEvaluator? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            return _groups.GetValueOrDefault(key);
        }
    }

    public Task<RuleGroupEvaluator?> AcquireAsync(string key, CancellationToken cancellationToken) => Task.FromResult(Find(key));

    /// <summary>Nothing to do: the evaluator keeps its state in memory.</summary>
    public Task ReleaseAsync(string key, RuleGroupEvaluator evaluator, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task<IReadOnlyList<RuleGroupStatus>> StatusesAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RuleGroupStatus>>([.. Groups.Values.Select(g => g.GetStatus())]);

    /// <summary>
    /// Replaces the running groups with <paramref name="files"/>' groups. Returns the stale markers
    /// for the series of groups that are gone, stamped <paramref name="nowUnixNano"/>, for the host to write.
    /// </summary>
    public IReadOnlyList<SeriesSamples> Apply(IReadOnlyList<RuleFile> files, PrometheusConfig config, long nowUnixNano)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(config);
        var options = _options(config);
        var groups = RuntimeRuleGroups.From(files, config.Global);
        lock (_gate)
        {
            var next = new Dictionary<string, RuleGroupEvaluator>(StringComparer.Ordinal);
            foreach (var group in groups)
            {
                var key = RuntimeRuleGroups.Key(group.File, group.Name);
                next[key] = _groups.TryGetValue(key, out var running)
                    ? RuleGroupEvaluator.Resume(group, options, running.ExportState())
                    : RuleGroupEvaluator.Start(group, options, restoreForState: !_loaded);
            }

            var stale = _groups.Where(g => !next.ContainsKey(g.Key))
                .SelectMany(g => g.Value.StaleMarkersForRemoval(nowUnixNano))
                .ToList();
            _groups = next;
            _loaded = true;
            return stale;
        }
    }

    /// <summary>Every group's schedule, for the driver that runs them.</summary>
    public IReadOnlyList<(string Key, RuntimeGroup Group, RuleGroupSchedule Schedule)> Schedules() =>
        [.. Groups.Select(g => (g.Key, g.Value.Group, g.Value.Group.Schedule()))];
}
