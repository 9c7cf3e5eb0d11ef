using System.Globalization;
using System.Text;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// <c>/federate</c> as upstream's web/federate.go: for the series any <c>match[]</c> selects, the
/// latest sample within the lookback delta (stale markers dropped), in the text format 0.0.4 as
/// untyped families grouped by metric name, each with its timestamp and the external labels it
/// lacks (and <c>instance=""</c> when it has no instance), so that a federating Prometheus with
/// <c>honor_labels</c> keeps the originals. No <c>match[]</c> gives an empty answer, as upstream.
/// </summary>
internal static class FederateEndpoint
{
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";
    private const string PlainText = "text/plain; charset=utf-8";

    public static IEndpointRouteBuilder MapFederateEndpoint(this IEndpointRouteBuilder endpoints, ApiServices api)
    {
        endpoints.MapMethods("/federate", [HttpMethods.Get, HttpMethods.Post], async context =>
        {
            ApiParameters p;
            List<IReadOnlyList<LabelMatcher>> sets = [];
            try
            {
                p = await ApiParameters.ReadAsync(context.Request, context.RequestAborted);
                foreach (var selector in p.All("match[]"))
                {
                    sets.Add(Parser.ParseMetricSelector(selector));
                }
            }
            catch (Exception ex) when (ex is ApiException or PromQLParseException)
            {
                await PlainAsync(context.Response, StatusCodes.Status400BadRequest, ex.Message);
                return;
            }

            StorageEngine storage;
            try
            {
                storage = await api.GetStorageAsync();
            }
            catch (ApiException ex)
            {
                await PlainAsync(context.Response, StatusCodes.Status503ServiceUnavailable, ex.Message);
                return;
            }

            var external = ExternalLabels(StatusConfigEndpoints.CurrentConfig(context.RequestServices)?.Global.ExternalLabels ?? LabelSet.Empty);
            var maxT = api.NowMs;
            var minT = maxT - (long)api.QueryOptions.LookbackDelta.TotalMilliseconds;
            var latest = new SortedDictionary<LabelSet, Sample>(Comparer<LabelSet>.Create(LabelSet.Compare));
            foreach (var matchers in sets)
            {
                var selection = await storage.SelectAsync(matchers, minT, maxT, context.RequestAborted);
                foreach (var series in selection.Series)
                {
                    if (latest.ContainsKey(series.Labels) || Latest(series.Iterator(), minT, maxT) is not { } sample || sample.IsStale)
                    {
                        continue;
                    }

                    latest[series.Labels] = sample;
                }
            }

            context.Response.ContentType = TextContentType;
            var text = Write(latest.OrderBy(s => s.Key.MetricName, StringComparer.Ordinal), external);
            await context.Response.WriteAsync(text, context.RequestAborted);
        });
        return endpoints;
    }

    private static Sample? Latest(Core.Storage.Querying.SeriesIterator iterator, long minT, long maxT)
    {
        Sample? last = null;
        if (iterator.Seek(minT))
        {
            do
            {
                if (iterator.Timestamp > maxT)
                {
                    break;
                }

                last = new Sample(iterator.Timestamp, iterator.Value);
            }
            while (iterator.MoveNext());
        }

        return last;
    }

    private static List<Label> ExternalLabels(LabelSet configured)
    {
        var labels = new List<Label>(configured.Count + 1);
        foreach (var label in configured)
        {
            labels.Add(label);
        }

        if (!configured.Contains("instance"))
        {
            labels.Add(new Label("instance", string.Empty));
        }

        labels.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return labels;
    }

    private static string Write(IEnumerable<KeyValuePair<LabelSet, Sample>> samples, List<Label> external)
    {
        var sb = new StringBuilder();
        string? family = null;
        foreach (var (labels, sample) in samples)
        {
            var name = labels.MetricName;
            if (name.Length == 0)
            {
                continue;
            }

            if (name != family)
            {
                sb.Append("# TYPE ").Append(name).Append(" untyped\n");
                family = name;
            }

            sb.Append(name);
            var first = true;
            foreach (var label in labels)
            {
                if (label.Name == LabelValidation.MetricNameLabel || label.Value.Length == 0)
                {
                    continue;
                }

                AppendLabel(sb, label, ref first);
            }

            foreach (var label in external)
            {
                if (!labels.Contains(label.Name) || labels.Get(label.Name).Length == 0)
                {
                    AppendLabel(sb, label, ref first);
                }
            }

            if (!first)
            {
                sb.Append('}');
            }

            sb.Append(' ').Append(TextExpositionWriter.FormatValue(sample.Value)).Append(' ').Append(sample.TimestampMs.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return sb.ToString();
    }

    private static void AppendLabel(StringBuilder sb, Label label, ref bool first)
    {
        sb.Append(first ? '{' : ',').Append(label.Name).Append("=\"");
        foreach (var c in label.Value)
        {
            _ = c switch
            {
                '\\' => sb.Append("\\\\"),
                '"' => sb.Append("\\\""),
                '\n' => sb.Append("\\n"),
                _ => sb.Append(c),
            };
        }

        sb.Append('"');
        first = false;
    }

    private static Task PlainAsync(HttpResponse response, int status, string message)
    {
        response.StatusCode = status;
        response.ContentType = PlainText;
        return response.WriteAsync(message + "\n");
    }
}
