using System.Net.Http.Json;
using System.Text.Json;
using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting;

/// <summary>Our fingerprints are the ones a real Alertmanager 0.25 gives the same label sets.</summary>
public sealed class AlertFingerprintTests
{
    private static readonly Dictionary<string, string>[] LabelSets =
    [
        new() { ["alertname"] = "A" },
        new() { ["alertname"] = "HighLatency", ["job"] = "api", ["instance"] = "10.0.0.1:9100", ["severity"] = "page" },
        new() { ["alertname"] = "Unicode", ["team"] = "données ☃", ["zz"] = new string('x', 300) },
        new() { ["alertname"] = "Order", ["a"] = "b", ["B"] = "c", ["_"] = "d" },
    ];

    [Fact]
    public async Task Fingerprints_are_Alertmanagers()
    {
        using var alertmanager = await AlertmanagerFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = alertmanager.BaseUri };
        var posted = LabelSets.Select(l => new { labels = l, annotations = new Dictionary<string, string>() }).ToArray();
        (await http.PostAsJsonAsync("api/v2/alerts", posted)).EnsureSuccessStatusCode();

        using var listed = JsonDocument.Parse(await http.GetStringAsync("api/v2/alerts"));
        var upstream = listed.RootElement.EnumerateArray().ToDictionary(
            a => a.GetProperty("labels").GetProperty("alertname").GetString()!,
            a => a.GetProperty("fingerprint").GetString());
        Assert.Equal(LabelSets.Length, upstream.Count);
        foreach (var labels in LabelSets)
        {
            var ours = AlertFingerprint.Format(AlertFingerprint.Of(LabelSet.FromDictionary(labels)));
            Assert.Equal(upstream[labels["alertname"]], ours);
        }
    }
}
