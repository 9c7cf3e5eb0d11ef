using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Runtime = Serverless.Monitoring.Core.Rules.Evaluation;

namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// The rule files' groups as the evaluator runs them: intervals and query offsets resolved against
/// <c>global</c>, expressions parsed (the files were checked when loaded), labels as labels.
/// </summary>
public static class RuntimeRuleGroups
{
    /// <summary>Upstream's group key: file and name, so two files may hold groups of the same name.</summary>
    public static string Key(string file, string name) => file + ";" + name;

    public static List<Runtime.RuleGroup> From(IReadOnlyList<RuleFile> files, GlobalConfig global)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(global);
        var groups = new List<Runtime.RuleGroup>();
        foreach (var file in files)
        {
            foreach (var group in file.Groups)
            {
                groups.Add(From(group, global));
            }
        }

        return groups;
    }

    public static Runtime.RuleGroup From(RuleGroup group, GlobalConfig global)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(global);
        var rules = group.Rules.Select<Rule, Runtime.Rule>(rule => rule switch
        {
            AlertingRule alert => new Runtime.AlertingRule(
                alert.Name, Parser.ParseExpr(alert.Expression), alert.For, alert.KeepFiringFor, Labels(alert.Labels), Labels(alert.Annotations)),
            RecordingRule record => new Runtime.RecordingRule(record.Name, Parser.ParseExpr(record.Expression), Labels(record.Labels)),
            _ => throw new ArgumentException($"unknown rule type {rule.GetType().Name}", nameof(group)),
        }).ToList();
        return new Runtime.RuleGroup(
            group.Name,
            group.File,
            group.EvaluationInterval(global),
            rules,
            group.Limit,
            group.EffectiveQueryOffset(global),
            Labels(group.Labels));
    }

    private static List<Label> Labels(IReadOnlyList<KeyValuePair<string, string>> pairs) =>
        [.. pairs.Select(p => new Label(p.Key, p.Value))];
}
