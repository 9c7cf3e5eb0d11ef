using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Tests.Templates;

/// <summary>
/// What promtool 2.42 cannot show: Prometheus 3's <c>title</c> (x/text's word casing),
/// <c>toDuration</c>, <c>now</c>, <c>urlQueryEscape</c>, negative <c>parseDuration</c> and its newer
/// errors, external labels and URL, the alert data's type, and <c>time.Time</c> methods and
/// layouts (Data/prometheus3-functions.json, from a throwaway Go program over Go's own time,
/// net/url and x/text).
/// </summary>
public sealed class Prometheus3FunctionTests
{
    private static readonly Reference Data = Load();

    public static TheoryData<int> CaseIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Data.Cases.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void Expands_like_prometheus_3(int index)
    {
        var (template, expected) = Data.Cases[index];
        var state = new PrometheusTemplateState { TimestampMs = Data.TimestampMs, ExternalUrl = Data.ExternalUrl };

        var result = TemplateExpander.Default.ExpandAlert(Data.Alert, template, Data.AlertData, state, out _);

        Assert.Equal(expected, result);
    }

    private sealed record Reference(string Alert, AlertTemplateData AlertData, string ExternalUrl, long TimestampMs, List<(string Template, string Expected)> Cases);

    private static Reference Load()
    {
        using var stream = typeof(Prometheus3FunctionTests).Assembly.GetManifestResourceStream("Templates.Data.prometheus3-functions.json")!;
        using var doc = JsonDocument.Parse(stream);
        var root = doc.RootElement;
        static LabelSet Labels(JsonElement e) => LabelSet.FromDictionary(e.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)));
        var externalUrl = root.GetProperty("external_url").GetString()!;
        var data = new AlertTemplateData(Labels(root.GetProperty("labels")), Labels(root.GetProperty("external_labels")), externalUrl, root.GetProperty("value").GetDouble());
        var cases = root.GetProperty("cases").EnumerateArray().Select(c => (c.GetProperty("template").GetString()!, c.GetProperty("expected").GetString()!)).ToList();
        return new Reference(root.GetProperty("alert").GetString()!, data, externalUrl, root.GetProperty("timestamp_ms").GetInt64(), cases);
    }
}
