using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// Runs an instant query for a template's <c>query</c> function at <paramref name="timestampMs"/>
/// against what the rule sees (storage plus the evaluation's own output so far). A scalar comes back
/// as one series without labels; other result types fail with upstream's message.
/// </summary>
/// <exception cref="PromQLEvaluationException">Evaluation failed.</exception>
/// <exception cref="PromQL.PromQLParseException">The query does not parse.</exception>
public delegate Task<IReadOnlyList<ResultSeries>> RuleQueryFunc(string query, long timestampMs, CancellationToken cancellationToken);

/// <summary>
/// One template to expand for one alert: upstream's template data (<c>.Labels</c>,
/// <c>.ExternalLabels</c>, <c>.ExternalURL</c>, <c>.Value</c>) plus the expander's time and query function.
/// </summary>
/// <param name="Name">The template's name (<c>__alert_&lt;alertname&gt;</c>).</param>
/// <param name="Text">The template text as written in the rule (without <see cref="AlertTemplate.VariableDefinitions"/>).</param>
/// <param name="Labels">The result series' labels, metric name included when the query kept it (<c>$labels</c>).</param>
/// <param name="Value">The result's value (<c>$value</c>).</param>
/// <param name="ExternalLabels">The global external labels (<c>$externalLabels</c>).</param>
/// <param name="ExternalUrl">The external URL (<c>$externalURL</c>, <c>externalURL</c>, <c>pathPrefix</c>).</param>
/// <param name="TimestampUnixNano">The evaluation time (without the query offset): the time <c>query</c> runs at.</param>
/// <param name="Query">The <c>query</c> function's backend.</param>
public sealed record AlertTemplateRequest(
    string Name,
    string Text,
    LabelSet Labels,
    double Value,
    LabelSet ExternalLabels,
    string ExternalUrl,
    long TimestampUnixNano,
    RuleQueryFunc Query);
