using System.Globalization;
using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// An alerting rule: every series of the query's result is an alert, pending until it has lasted
/// <see cref="For"/>, then firing; it keeps firing <see cref="KeepFiringFor"/> after it vanishes.
/// Label values and annotations are templates, expanded per alert at each evaluation.
/// </summary>
public sealed class AlertingRule : Rule
{
    /// <summary>An alerting rule.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="for"/> or <paramref name="keepFiringFor"/> is negative.</exception>
    public AlertingRule(
        string alert,
        Expr query,
        TimeSpan @for = default,
        TimeSpan keepFiringFor = default,
        IEnumerable<Label>? labels = null,
        IEnumerable<Label>? annotations = null)
        : base(alert, query, labels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(@for, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(keepFiringFor, TimeSpan.Zero);
        For = @for;
        KeepFiringFor = keepFiringFor;
        Annotations = SortedUnique(annotations, nameof(annotations));
    }

    /// <summary>How long an alert stays pending before it fires (upstream's hold duration).</summary>
    public TimeSpan For { get; }

    /// <summary>How long a firing alert keeps firing after its series vanished.</summary>
    public TimeSpan KeepFiringFor { get; }

    /// <summary>Annotation templates, sorted by name (empty values kept).</summary>
    public IReadOnlyList<Label> Annotations { get; }

    internal override Rule WithGroupLabels(IReadOnlyList<Label> groupLabels) =>
        new AlertingRule(Name, Query, For, KeepFiringFor, Merge(groupLabels, Labels), Annotations);

    internal override void AppendDefinition(StringBuilder sb)
    {
        AppendCommon(sb, 'a');
        sb.Append(For.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\0')
            .Append(KeepFiringFor.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\0');
        AppendLabels(sb, Annotations);
    }
}
