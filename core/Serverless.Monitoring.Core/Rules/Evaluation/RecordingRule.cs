using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>A recording rule: the query's result recorded as series named <see cref="Rule.Name"/>, with the rule's labels set.</summary>
public sealed class RecordingRule : Rule
{
    /// <summary>A recording rule; <paramref name="labels"/> are set on every recorded series.</summary>
    public RecordingRule(string record, Expr query, IEnumerable<Label>? labels = null)
        : base(record, query, labels)
    {
    }

    internal override Rule WithGroupLabels(IReadOnlyList<Label> groupLabels) =>
        new RecordingRule(Name, Query, Merge(groupLabels, Labels));

    internal override void AppendDefinition(StringBuilder sb) => AppendCommon(sb, 'r');
}
