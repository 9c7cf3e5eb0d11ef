using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Tests.Templates;

/// <summary>
/// Runs alerting-rule templates as a rule evaluation does, over the series of a promtool unit
/// test: the rule's expression evaluated by our PromQL engine gives each alert's labels and
/// value, and <c>query</c> runs on the same engine at the evaluation time.
/// </summary>
internal sealed class AlertTemplateHarness
{
    private readonly PromQLEngine _engine;

    // Creation order of each series: Prometheus's head block returns a selector's series in this
    // order (promtool loads them in file order); the in-memory source sorts them by labels.
    private readonly Dictionary<LabelSet, int> _order = [];

    public AlertTemplateHarness(IEnumerable<(string Series, string Values)> series, long intervalMs = 60_000)
    {
        var source = new InMemorySeriesSource();
        foreach (var (s, values) in series)
        {
            var (labels, points) = SeriesDescription.Parse(s + " " + values);
            _order.TryAdd(labels, _order.Count);
            for (var i = 0; i < points.Count; i++)
            {
                if (!points[i].Omitted)
                {
                    source.Add(labels, i * intervalMs, points[i].Value);
                }
            }
        }

        _engine = new PromQLEngine(source);
    }

    /// <summary>What the rules engine hands <c>query</c>: the vector, a scalar as one unlabelled sample, else an error.</summary>
    public IReadOnlyList<QuerySample> Query(string query, long timestampMs)
    {
        var result = _engine.InstantQueryAsync(Parser.ParseExpr(query), timestampMs).GetAwaiter().GetResult();
        return result.Type switch
        {
            ExprType.Vector => [.. result.Series
                .OrderBy(s => _order.TryGetValue(s.Labels, out var i) ? i : int.MaxValue)
                .Select(s => new QuerySample(s.Labels, s.Points[0].Value))],
            ExprType.Scalar => [new QuerySample(LabelSet.Empty, result.Scalar.Value)],
            _ => throw new InvalidOperationException("rule result is not a vector or scalar"),
        };
    }

    /// <summary>Every alert's expansion of <paramref name="template"/>, in the order of the expression's result.</summary>
    public IReadOnlyList<string> ExpandAlerts(string alertName, string expr, string template, long timestampMs)
    {
        var state = new PrometheusTemplateState { Query = Query, TimestampMs = timestampMs };
        return [.. Query(expr, timestampMs).Select(sample =>
            TemplateExpander.Default.ExpandAlert(alertName, template, new AlertTemplateData(sample.Labels, LabelSet.Empty, string.Empty, sample.Value), state, out _))];
    }

    /// <summary>One recorded expansion; <paramref name="Prometheus3"/> is what Prometheus 3 prints where it differs from promtool 2.42.</summary>
    public sealed record ReferenceCase(string Alert, string Expr, int AlertIndex, string Template, string Expected, string? Prometheus3)
    {
        public override string ToString() => $"{Alert}: {Template}";
    }

    public static (List<(string Series, string Values)> Series, List<ReferenceCase> Cases) LoadReference(string resource)
    {
        using var stream = typeof(AlertTemplateHarness).Assembly.GetManifestResourceStream("Templates.Data." + resource)
            ?? throw new InvalidOperationException($"missing resource {resource}");
        using var doc = JsonDocument.Parse(stream);
        var series = doc.RootElement.GetProperty("series").EnumerateArray().Select(s => (s[0].GetString()!, s[1].GetString()!)).ToList();
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new ReferenceCase(
            c.GetProperty("alert").GetString()!,
            c.GetProperty("expr").GetString()!,
            c.GetProperty("alert_index").GetInt32(),
            c.GetProperty("template").GetString()!,
            c.GetProperty("expected").GetString()!,
            c.TryGetProperty("expected_prometheus3", out var v3) ? v3.GetString() : null)).ToList();
        return (series, cases);
    }
}
