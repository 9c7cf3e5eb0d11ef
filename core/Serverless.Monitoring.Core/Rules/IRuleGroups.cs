using Serverless.Monitoring.Core.Rules.Evaluation;

namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// Where a rule group's evaluator comes from for one evaluation, and where its state goes after:
/// kept in memory by the embedded server's <see cref="RuleManager"/>, or loaded from and saved to
/// storage around each Durable activity by <see cref="StoredRuleGroups"/>.
/// </summary>
public interface IRuleGroups
{
    /// <summary>The group's evaluator, or null when no loaded rule file has the group any more.</summary>
    Task<RuleGroupEvaluator?> AcquireAsync(string key, CancellationToken cancellationToken);

    /// <summary>Keeps the state of an evaluation that <see cref="AcquireAsync"/> handed out.</summary>
    Task ReleaseAsync(string key, RuleGroupEvaluator evaluator, CancellationToken cancellationToken);

    /// <summary>Every loaded group as it stood after its last evaluation (what <c>/api/v1/rules</c> and <c>/api/v1/alerts</c> list).</summary>
    Task<IReadOnlyList<RuleGroupStatus>> StatusesAsync(CancellationToken cancellationToken);
}
