using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Scraping;

public sealed class TargetBuilderTests
{
    private static TargetSet Build(string scrapeConfig)
    {
        var config = PrometheusConfig.Load("scrape_configs:\n" + scrapeConfig);
        var job = Assert.Single(config.ScrapeConfigs);
        return TargetBuilder.Build(job, job.StaticConfigs);
    }

    /// <summary>Per case: a scrape config, then the expected URL and labels of its one active target.</summary>
    public static TheoryData<string, string, string, string> Cases => new()
    {
        {
            "defaults",
            "- job_name: node\n  static_configs:\n  - targets: ['localhost:9100']\n",
            "http://localhost:9100/metrics",
            "{instance=\"localhost:9100\", job=\"node\"}"
        },
        {
            "group labels, scheme, path and params",
            "- job_name: blackbox\n  scheme: https\n  metrics_path: /probe\n  params:\n    module: [http_2xx, extra]\n  static_configs:\n  - targets: ['127.0.0.1:9115']\n    labels:\n      env: prod\n",
            "https://127.0.0.1:9115/probe?module=http_2xx&module=extra",
            "{env=\"prod\", instance=\"127.0.0.1:9115\", job=\"blackbox\"}"
        },
        {
            "the blackbox pattern: target to a param, address replaced",
            "- job_name: blackbox\n  metrics_path: /probe\n  static_configs:\n  - targets: ['https://example.test']\n  relabel_configs:\n  - source_labels: [__address__]\n    target_label: __param_target\n  - source_labels: [__param_target]\n    target_label: instance\n  - target_label: __address__\n    replacement: 127.0.0.1:9115\n",
            "http://127.0.0.1:9115/probe?target=https%3A%2F%2Fexample.test",
            "{instance=\"https://example.test\", job=\"blackbox\"}"
        },
        {
            "relabeled interval and timeout, meta labels gone",
            "- job_name: node\n  static_configs:\n  - targets: ['localhost:9100']\n    labels:\n      __meta_custom: x\n      __tmp_keep: y\n  relabel_configs:\n  - target_label: __scrape_interval__\n    replacement: 5s\n  - target_label: __scrape_timeout__\n    replacement: 2s\n",
            "http://localhost:9100/metrics",
            "{instance=\"localhost:9100\", job=\"node\"}"
        },
        {
            "job label from the group wins over the job name",
            "- job_name: node\n  static_configs:\n  - targets: ['localhost:9100']\n    labels:\n      job: custom\n",
            "http://localhost:9100/metrics",
            "{instance=\"localhost:9100\", job=\"custom\"}"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Builds_targets_like_Prometheus(string name, string config, string url, string labels)
    {
        var set = Build(config);
        var target = Assert.Single(set.Active);
        Assert.True(set.Dropped.Count == 0, name);
        Assert.Equal(url, target.Url.AbsoluteUri);
        Assert.Equal(labels, target.Labels.ToString());
        Assert.Equal(target.Labels.Get("job") == "custom" ? "node" : target.Labels.Get("job"), target.Job);
    }

    [Fact]
    public void Relabeled_interval_and_timeout_apply()
    {
        var target = Assert.Single(Build(
            "- job_name: node\n  static_configs:\n  - targets: ['localhost:9100']\n    labels:\n      __meta_custom: x\n      __tmp_keep: y\n" +
            "  relabel_configs:\n  - target_label: __scrape_interval__\n    replacement: 5s\n  - target_label: __scrape_timeout__\n    replacement: 2s\n").Active);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)), (target.Interval, target.Timeout));
        Assert.Equal("y", target.DiscoveredLabels.Get("__tmp_keep"));
        Assert.Equal("x", target.DiscoveredLabels.Get("__meta_custom"));
    }

    public static TheoryData<string, string?> Dropped => new()
    {
        { "- job_name: x\n  static_configs:\n  - targets: ['a:1']\n  relabel_configs:\n  - action: drop\n    source_labels: [__address__]\n    regex: a:1\n", null },
        { "- job_name: x\n  static_configs:\n  - targets: ['a:1']\n  relabel_configs:\n  - action: labeldrop\n    regex: __address__\n", "no address" },
        { "- job_name: x\n  static_configs:\n  - targets: ['a:1']\n  relabel_configs:\n  - target_label: __scrape_timeout__\n    replacement: 2m\n", "scrape timeout cannot be greater than scrape interval (\"2m\" > \"1m\")" },
        { "- job_name: x\n  static_configs:\n  - targets: ['a:1']\n  relabel_configs:\n  - target_label: __scheme__\n    replacement: ftp\n", "invalid scheme \"ftp\"" },
    };

    [Theory]
    [MemberData(nameof(Dropped))]
    public void Drops_targets_relabeling_removes_or_that_are_invalid(string config, string? error)
    {
        var set = Build(config);
        Assert.Empty(set.Active);
        Assert.Equal(error, Assert.Single(set.Dropped).Error);
    }

    [Fact]
    public void Over_target_limit_every_target_fails_with_the_reason()
    {
        var set = Build("- job_name: x\n  target_limit: 1\n  static_configs:\n  - targets: ['a:1', 'b:1']\n");
        Assert.Equal(2, set.Active.Count);
        Assert.All(set.Active, t => Assert.Equal("target_limit exceeded (number of targets: 2, limit: 1)", t.ForcedFailure));
    }

    [Fact]
    public void A_rebuild_of_the_same_config_gives_equal_targets_and_a_changed_credential_does_not()
    {
        // Discovery updates rebuild every target of a config; an unchanged one must compare
        // equal so the scrape manager keeps its loop (and does not reload its state).
        using var passwordFile = new TempDirectory("sm-target-builder-");
        var password = Path.Combine(passwordFile.Path, "password");
        File.WriteAllText(password, "one");
        var config = PrometheusConfig.Load(
            "scrape_configs:\n- job_name: x\n  basic_auth:\n    username: u\n    password_file: " + password + "\n  sample_limit: 10\n" +
            "  metric_relabel_configs:\n  - action: drop\n    source_labels: [__name__]\n    regex: go_.*\n  static_configs:\n  - targets: ['a:1', 'b:2']\n");
        var job = Assert.Single(config.ScrapeConfigs);

        var first = TargetBuilder.Build(job, job.StaticConfigs).Active;
        var second = TargetBuilder.Build(job, job.StaticConfigs).Active;
        Assert.Equal(first, second);

        File.WriteAllText(password, "two");
        var third = TargetBuilder.Build(job, job.StaticConfigs).Active;
        Assert.NotEqual(first[0], third[0]);
        Assert.Equal("Basic " + Convert.ToBase64String("u:two"u8.ToArray()), third[0].Headers[0].Value);
    }

    [Fact]
    public void Auth_becomes_an_Authorization_header_and_limits_and_metric_relabeling_carry_over()
    {
        var target = Assert.Single(Build(
            "- job_name: x\n  basic_auth:\n    username: u\n    password: p\n  sample_limit: 10\n  label_limit: 5\n" +
            "  metric_relabel_configs:\n  - action: drop\n    source_labels: [__name__]\n    regex: go_.*\n  static_configs:\n  - targets: ['a:1']\n").Active);
        Assert.Equal(new KeyValuePair<string, string>("Authorization", "Basic dTpw"), Assert.Single(target.Headers));
        Assert.Equal(new ScrapeLimits(10, 5, 0, 0), target.Limits);
        var builder = Serverless.Monitoring.Core.Model.LabelSet.FromStrings("__name__", "go_goroutines").ToBuilder();
        Assert.False(target.MetricRelabel!(builder));
    }
}
