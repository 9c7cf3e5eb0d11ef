using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Rules.Evaluation;

namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// Rule groups for hosts without memory between evaluations (the function app's Durable
/// activities): the group's definition from the rule files loaded now, its state (alerts, series
/// for staleness) from a blob per group, saved back after the evaluation under the ETag it was read
/// with, so two instances that evaluate the same group at once cannot interleave their states (the
/// second save loses and is dropped; the next evaluation reads the winner's). A group with no state
/// yet starts with its <c>for</c> state restored from <c>ALERTS_FOR_STATE</c>, as after a restart.
/// </summary>
public sealed class StoredRuleGroups(
    Func<(PrometheusConfig Config, IReadOnlyList<RuleFile> Files)> loaded,
    Func<PrometheusConfig, RuleEvaluationOptions> options,
    IBlobStore states,
    ILogger<StoredRuleGroups> logger) : IRuleGroups
{
    private readonly ConcurrentDictionary<RuleGroupEvaluator, string?> _etags = new();

    /// <summary>The blob that holds a group's state.</summary>
    public static string StateBlobName(string key) =>
        Convert.ToHexStringLower(BitConverter.GetBytes(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key)))) + ".json";

    /// <summary>The keys of every group in the loaded rule files (what the supervisor keeps running).</summary>
    public IReadOnlyList<string> Keys()
    {
        var (_, files) = loaded();
        return [.. files.SelectMany(f => f.Groups).Select(g => RuntimeRuleGroups.Key(g.File, g.Name))];
    }

    /// <summary>The group as the loaded rule files define it now, or null when they have no such group.</summary>
    public Evaluation.RuleGroup? Find(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (config, files) = loaded();
        var definition = files.SelectMany(f => f.Groups).FirstOrDefault(g => RuntimeRuleGroups.Key(g.File, g.Name) == key);
        return definition is null ? null : RuntimeRuleGroups.From(definition, config.Global);
    }

    public async Task<RuleGroupEvaluator?> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (config, _) = loaded();
        if (Find(key) is not { } group)
        {
            return null;
        }

        await states.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        var (evaluator, etag) = await LoadAsync(key, group, config, cancellationToken).ConfigureAwait(false);
        _etags[evaluator] = etag;
        return evaluator;
    }

    /// <summary>
    /// Every loaded group as its last saved state has it; a group never evaluated yet is listed with
    /// its rules and no evaluation, as upstream lists a group before its first tick.
    /// </summary>
    public async Task<IReadOnlyList<RuleGroupStatus>> StatusesAsync(CancellationToken cancellationToken)
    {
        var (config, files) = loaded();
        var statuses = new List<RuleGroupStatus>();
        foreach (var definition in files.SelectMany(f => f.Groups))
        {
            var key = RuntimeRuleGroups.Key(definition.File, definition.Name);
            var (evaluator, _) = await LoadAsync(key, RuntimeRuleGroups.From(definition, config.Global), config, cancellationToken).ConfigureAwait(false);
            statuses.Add(evaluator.GetStatus());
        }

        return statuses;
    }

    private async Task<(RuleGroupEvaluator Evaluator, string? ETag)> LoadAsync(
        string key, Evaluation.RuleGroup group, PrometheusConfig config, CancellationToken cancellationToken)
    {
        try
        {
            var blob = await states.GetAsync(StateBlobName(key), cancellationToken: cancellationToken).ConfigureAwait(false);
            return (RuleGroupEvaluator.Resume(group, options(config), RuleGroupState.FromJson(Encoding.UTF8.GetString(blob.Data.Span))), blob.ETag);
        }
        catch (StorageNotFoundException)
        {
            return (RuleGroupEvaluator.Start(group, options(config), restoreForState: true), null);
        }
    }

    public async Task ReleaseAsync(string key, RuleGroupEvaluator evaluator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        _etags.TryRemove(evaluator, out var etag);
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(evaluator.ExportState().ToJson()));
        try
        {
            await states.PutAsync(
                StateBlobName(key),
                content,
                etag is null ? StorageCondition.CreateOnly : StorageCondition.Match(etag),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StorageConflictException or StoragePreconditionFailedException)
        {
            logger.LogWarning("Rule group {Group} was evaluated by another instance meanwhile; its state is kept, this one is dropped", key);
        }
    }
}
