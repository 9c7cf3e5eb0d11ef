using System.Text.Json;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Relabeling;

/// <summary>
/// Runs the same target relabeling in a real Prometheus and here: every target Prometheus
/// discovered is relabeled with our parse of the same file, and must come out dropped or with
/// the labels Prometheus shows in <c>/api/v1/targets</c>.
/// </summary>
public sealed class RelabelAgainstPrometheusTests
{
    private const string ConfigYaml =
        """
        global:
          scrape_interval: 1h
        scrape_configs:
          - job_name: replace
            static_configs:
              - targets: ["127.0.0.1:1", "node-a.example:9100"]
                labels: {a: foo, b: bar}
            relabel_configs:
              - source_labels: [a]
                regex: "f(.*)"
                target_label: d
                replacement: "ch${1}-ch${1}"
              - source_labels: [__address__, b]
                separator: "|"
                regex: "([^:]+):(\\d+)\\|(.*)"
                target_label: e
                replacement: "$3@$1#$2"
              - source_labels: [a]
                regex: "(f)oo"
                target_label: gotcha
                replacement: "$1x[$$]${1}x"
              - source_labels: [b]
                regex: "(?P<first>b)(?P<rest>.*)"
                target_label: "named_${rest}"
                replacement: "${rest}_$first"
              - source_labels: [a]
                regex: foo
                target_label: b
                replacement: ""
              - target_label: const
                replacement: fixed
              - source_labels: [a]
                regex: "o"
                target_label: anchored
                replacement: "matched"
          - job_name: keepdrop
            static_configs:
              - targets: ["127.0.0.1:2", "127.0.0.1:3", "127.0.0.1:4"]
                labels: {env: prod}
              - targets: ["127.0.0.1:5"]
                labels: {env: dev}
            relabel_configs:
              - source_labels: [__address__]
                regex: ".*:3"
                action: drop
              - source_labels: [env]
                regex: "prod|staging"
                action: keep
              - source_labels: [env]
                regex: "p"
                action: drop
          - job_name: hashmod
            static_configs:
              - targets: ["127.0.0.1:10", "127.0.0.1:11", "127.0.0.1:12", "127.0.0.1:13", "10.1.2.3:9100", "host.example:443"]
            relabel_configs:
              - source_labels: [__address__]
                modulus: 3
                target_label: shard
                action: hashmod
              - source_labels: [__address__, job]
                modulus: 4294967311
                target_label: big
                action: hashmod
          - job_name: labels
            static_configs:
              - targets: ["127.0.0.1:20"]
                labels: {__meta_app: web, __meta_tier: front, drop_me: x, drop_too: y, Keep: UpÄ}
            relabel_configs:
              - regex: "__meta_(.+)"
                action: labelmap
              - regex: "__meta_(.+)"
                replacement: "copy_${1}"
                action: labelmap
              - regex: "drop_.*"
                action: labeldrop
              - source_labels: [Keep]
                target_label: lower
                action: lowercase
              - source_labels: [Keep, app]
                target_label: upper
                action: uppercase
          - job_name: keepequal
            static_configs:
              - targets: ["127.0.0.1:30"]
                labels: {x: "1", y: "1"}
              - targets: ["127.0.0.1:31"]
                labels: {x: "1", y: "2"}
            relabel_configs:
              - source_labels: [x]
                target_label: y
                action: keepequal
          - job_name: dropequal
            static_configs:
              - targets: ["127.0.0.1:32"]
                labels: {x: "1", y: "1"}
              - targets: ["127.0.0.1:33"]
                labels: {x: "1", y: "2"}
            relabel_configs:
              - source_labels: [x]
                target_label: y
                action: dropequal
          - job_name: labelkeep
            static_configs:
              - targets: ["127.0.0.1:40"]
                labels: {keep_a: "1", other: "2"}
            relabel_configs:
              - regex: "__.*|job|keep_.*"
                action: labelkeep
        """;

    private const int TargetCount = 18;

    [Fact]
    public async Task Target_relabeling_matches_prometheus()
    {
        var ours = PrometheusConfig.Load(ConfigYaml);

        var options = new PrometheusOptions { ConfigYaml = ConfigYaml };
        await using var prometheus = await PrometheusFixture.StartAsync(options);
        var (active, dropped) = await WaitForTargetsAsync(prometheus);

        // The discovered labels are built here rather than taken from Prometheus: 2.42 shows
        // them corrupted after labelmap (it edits the discovered set in place).
        var dropCount = 0;
        foreach (var job in ours.ScrapeConfigs)
        {
            foreach (var group in job.StaticConfigs)
            {
                foreach (var target in group.Targets)
                {
                    var address = target.Get("__address__");
                    var discovered = group.Labels.ToBuilder()
                        .Set("__address__", address)
                        .Set("__metrics_path__", job.MetricsPath)
                        .Set("__scheme__", job.Scheme)
                        .Set("__scrape_interval__", PrometheusDuration.Format(job.ScrapeInterval))
                        .Set("__scrape_timeout__", PrometheusDuration.Format(job.ScrapeTimeout))
                        .Set("job", job.JobName)
                        .Build();
                    var result = Relabeler.Process(discovered, job.RelabelConfigs);
                    var shown = active.Where(a => a.Pool == job.JobName && a.Labels.Get("instance") == address).Select(a => a.Labels).SingleOrDefault();
                    if (result is null)
                    {
                        dropCount++;
                        Assert.True(shown is null, $"we dropped {discovered}, Prometheus kept it as {shown}");
                        Assert.Contains(dropped, d => d.Get("__address__") == address && d.Get("job") == job.JobName);
                    }
                    else
                    {
                        Assert.True(shown is not null, $"we kept {discovered} as {result}, Prometheus dropped it");
                        Assert.Equal(shown, TargetLabels(result));
                    }
                }
            }
        }

        // keepdrop drops :3 and dev, keepequal and dropequal one each.
        Assert.Equal(4, dropCount);
        Assert.Equal(dropCount, dropped.Count);
    }

    /// <summary>What Prometheus shows as a target's labels: no <c>__</c> labels, <c>instance</c> defaulting to the address.</summary>
    private static LabelSet TargetLabels(LabelSet relabeled)
    {
        var builder = new LabelSetBuilder();
        foreach (var l in relabeled)
        {
            if (!l.Name.StartsWith("__", StringComparison.Ordinal))
            {
                builder.Set(l.Name, l.Value);
            }
        }

        if (relabeled.Get("instance").Length == 0)
        {
            builder.Set("instance", relabeled.Get("__address__"));
        }

        return builder.Build();
    }

    private static async Task<(List<(string Pool, LabelSet Labels)> Active, List<LabelSet> Dropped)> WaitForTargetsAsync(PrometheusFixture prometheus)
    {
        using var http = LoopbackHttp.CreateClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync(prometheus.GetUri("api/v1/targets?state=any")));
            var data = doc.RootElement.GetProperty("data");
            var active = data.GetProperty("activeTargets").EnumerateArray()
                .Select(t => (t.GetProperty("scrapePool").GetString()!, Labels(t.GetProperty("labels"))))
                .ToList();
            var dropped = data.GetProperty("droppedTargets").EnumerateArray()
                .Select(t => Labels(t.GetProperty("discoveredLabels")))
                .ToList();
            if (active.Count + dropped.Count >= TargetCount)
            {
                Assert.Equal(TargetCount, active.Count + dropped.Count);
                return (active, dropped);
            }

            Assert.True(DateTime.UtcNow < deadline, $"Prometheus shows {active.Count + dropped.Count} of {TargetCount} targets");
            await Task.Delay(250);
        }
    }

    private static LabelSet Labels(JsonElement map) =>
        LabelSet.Create(map.EnumerateObject().Select(p => new Label(p.Name, p.Value.GetString()!)).ToArray());
}
