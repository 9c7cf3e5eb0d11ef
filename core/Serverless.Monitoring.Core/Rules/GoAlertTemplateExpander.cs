using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// Alerting rules' labels and annotations through the one template engine (<see cref="TemplateExpander"/>,
/// Go's text/template with Prometheus's functions): the prelude that defines <c>$labels</c>,
/// <c>$externalLabels</c>, <c>$externalURL</c> and <c>$value</c>, and <c>query</c> answered by the
/// rule evaluation's own query function (which sees the evaluation's earlier rules).
/// </summary>
public sealed class GoAlertTemplateExpander(TemplateExpander templates) : IAlertTemplateExpander
{
    private const string NamePrefix = "__alert_";

    public ValueTask<string> ExpandAsync(AlertTemplateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var alertName = request.Name.StartsWith(NamePrefix, StringComparison.Ordinal) ? request.Name[NamePrefix.Length..] : request.Name;
        var state = new PrometheusTemplateState
        {
            TimestampMs = RuleTime.ToMilliseconds(request.TimestampUnixNano),
            ExternalUrl = request.ExternalUrl,

            // Templates run synchronously (as Go's do); a template's query blocks its expansion.
            Query = (query, timestampMs) => request.Query(query, timestampMs, cancellationToken)
                .GetAwaiter().GetResult()
                .Where(series => series.Points.Count > 0)
                .Select(series => new QuerySample(series.Labels, series.Points[^1].Value))
                .ToList(),
        };
        var data = new AlertTemplateData(request.Labels, request.ExternalLabels, request.ExternalUrl, request.Value);
        return ValueTask.FromResult(templates.ExpandAlert(alertName, request.Text, data, state, out _));
    }
}
