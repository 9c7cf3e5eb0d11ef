using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Tests.Config;

public sealed class PrometheusConfigTests
{
    private const string Directory = "/etc/prometheus";

    internal const string FullConfig =
        """
        global:
          scrape_interval: 15s
          scrape_timeout: 5s
          evaluation_interval: 30s
          external_labels:
            region: eu-west
            replica: ${REPLICA}

        rule_files:
          - rules/*.yml
          - /abs/alerts.yml

        alerting:
          alert_relabel_configs:
            - regex: replica
              action: labeldrop
          alertmanagers:
            - scheme: https
              path_prefix: /am
              timeout: 5s
              basic_auth:
                username: am
                password: am-pass
              static_configs:
                - targets: ["alertmanager:9093"]

        scrape_configs:
          - job_name: prometheus
            static_configs:
              - targets: ["localhost:9090"]

          - job_name: node
            scrape_interval: 1h30m
            scrape_timeout: 100ms
            metrics_path: /probe
            scheme: https
            params:
              module: [http_2xx, icmp]
            honor_labels: true
            honor_timestamps: false
            basic_auth:
              username: scraper
              password: s3cret
            tls_config:
              ca_file: certs/ca.pem
              cert_file: /abs/client.pem
              key_file: client-key.pem
              server_name: node.internal
              insecure_skip_verify: true
            sample_limit: 5000
            label_limit: 64
            label_name_length_limit: 128
            label_value_length_limit: 1024
            target_limit: 100
            static_configs:
              - targets: ["node-a:9100", "node-b:9100"]
                labels:
                  env: prod
              - targets: ["node-c:9100"]
            file_sd_configs:
              - files: [targets/*.json, /abs/more.yml]
                refresh_interval: 1m
            http_sd_configs:
              - url: http://sd.internal:8080/targets
                refresh_interval: 2m
                authorization:
                  credentials: sd-token
            relabel_configs:
              - source_labels: [__address__]
                modulus: 4
                target_label: __tmp_hash
                action: hashmod
              - source_labels: [__tmp_hash]
                regex: "0"
                action: keep
              - source_labels: [__address__]
                regex: "([^:]+):\\d+"
                target_label: host
                replacement: "${1}"
            metric_relabel_configs:
              - source_labels: [__name__]
                regex: go_.*
                action: drop

          - job_name: api
            authorization:
              type: Token
              credentials_file: token.txt
            static_configs:
              - targets: ["api:8080"]

        remote_write:
          - url: https://remote.example/api/v1/write
            name: central
            remote_timeout: 10s
            headers:
              X-Scope-OrgID: tenant-1
            bearer_token: rw-token
            write_relabel_configs:
              - source_labels: [__name__]
                regex: expensive_.*
                action: drop
            queue_config:
              capacity: 2500
              max_shards: 10
        """;

    [Fact]
    public void A_realistic_config_parses_with_every_field()
    {
        var config = PrometheusConfig.Load(FullConfig, "prometheus.yml", Directory, Env("REPLICA", "r1"));

        var g = config.Global;
        Assert.Equal(TimeSpan.FromSeconds(15), g.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), g.ScrapeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), g.EvaluationInterval);
        Assert.Equal(LabelSet.FromStrings("region", "eu-west", "replica", "r1"), g.ExternalLabels);

        Assert.Equal(["/etc/prometheus/rules/*.yml", "/abs/alerts.yml"], config.RuleFiles);

        var am = Assert.Single(config.Alerting.Alertmanagers);
        Assert.Equal("https", am.Scheme);
        Assert.Equal("/am", am.PathPrefix);
        Assert.Equal(TimeSpan.FromSeconds(5), am.Timeout);
        Assert.Equal("v2", am.ApiVersion);
        Assert.Equal("am-pass", am.Http.BasicAuth!.Password.Reveal());
        Assert.Equal(["alertmanager:9093"], Assert.Single(am.StaticConfigs).Addresses);
        Assert.Equal(RelabelAction.LabelDrop, Assert.Single(config.Alerting.AlertRelabelConfigs).Action);

        Assert.Equal(["prometheus", "node", "api"], config.ScrapeConfigs.Select(s => s.JobName));
        var node = config.ScrapeConfigs[1];
        Assert.Equal(TimeSpan.FromMinutes(90), node.ScrapeInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(100), node.ScrapeTimeout);
        Assert.Equal("/probe", node.MetricsPath);
        Assert.Equal("https", node.Scheme);
        var param = Assert.Single(node.Params);
        Assert.Equal("module", param.Key);
        Assert.Equal(["http_2xx", "icmp"], param.Value);
        Assert.True(node.HonorLabels);
        Assert.False(node.HonorTimestamps);
        Assert.Equal("scraper", node.Http.BasicAuth!.Username);
        Assert.Equal("s3cret", node.Http.BasicAuth.Password.Reveal());
        Assert.Equal("/etc/prometheus/certs/ca.pem", node.Http.Tls.CaFile);
        Assert.Equal("/abs/client.pem", node.Http.Tls.CertFile);
        Assert.Equal("/etc/prometheus/client-key.pem", node.Http.Tls.KeyFile);
        Assert.Equal("node.internal", node.Http.Tls.ServerName);
        Assert.True(node.Http.Tls.InsecureSkipVerify);
        Assert.Equal(5000u, node.SampleLimit);
        Assert.Equal(64u, node.LabelLimit);
        Assert.Equal(128u, node.LabelNameLengthLimit);
        Assert.Equal(1024u, node.LabelValueLengthLimit);
        Assert.Equal(100u, node.TargetLimit);

        Assert.Equal(2, node.StaticConfigs.Count);
        Assert.Equal(["node-a:9100", "node-b:9100"], node.StaticConfigs[0].Addresses);
        Assert.Equal(LabelSet.FromStrings("env", "prod"), node.StaticConfigs[0].Labels);
        Assert.Equal("0", node.StaticConfigs[0].Source);
        Assert.Equal("1", node.StaticConfigs[1].Source);
        var file = Assert.Single(node.FileSdConfigs);
        Assert.Equal(["/etc/prometheus/targets/*.json", "/abs/more.yml"], file.Files);
        Assert.Equal(TimeSpan.FromMinutes(1), file.RefreshInterval);
        var httpSd = Assert.Single(node.HttpSdConfigs);
        Assert.Equal(new Uri("http://sd.internal:8080/targets"), httpSd.Url);
        Assert.Equal(TimeSpan.FromMinutes(2), httpSd.RefreshInterval);
        Assert.Equal("Bearer", httpSd.Http.Authorization!.Type);
        Assert.Equal("sd-token", httpSd.Http.Authorization.Credentials.Reveal());

        Assert.Equal(3, node.RelabelConfigs.Count);
        Assert.Equal(RelabelAction.HashMod, node.RelabelConfigs[0].Action);
        Assert.Equal(4UL, node.RelabelConfigs[0].Modulus);
        Assert.Equal(@"([^:]+):\d+", node.RelabelConfigs[2].Regex.Text);
        Assert.Equal("${1}", node.RelabelConfigs[2].Replacement);
        Assert.Equal("go_.*", Assert.Single(node.MetricRelabelConfigs).Regex.Text);

        var api = config.ScrapeConfigs[2];
        Assert.Equal("Token", api.Http.Authorization!.Type);
        Assert.Equal("/etc/prometheus/token.txt", api.Http.Authorization.CredentialsFile);

        var rw = Assert.Single(config.RemoteWrite);
        Assert.Equal(new Uri("https://remote.example/api/v1/write"), rw.Url);
        Assert.Equal("central", rw.Name);
        Assert.Equal(TimeSpan.FromSeconds(10), rw.RemoteTimeout);
        Assert.Equal("tenant-1", Assert.Single(rw.Headers).Value);
        Assert.Equal("rw-token", rw.Http.Authorization!.Credentials.Reveal());
        Assert.Equal("Bearer", rw.Http.Authorization.Type);
        Assert.Equal(2500, rw.Queue.Capacity);
        Assert.Equal(10, rw.Queue.MaxShards);
        Assert.Equal(2000, rw.Queue.MaxSamplesPerSend);
        Assert.Single(rw.WriteRelabelConfigs);
    }

    [Fact]
    public void Relabel_rules_from_the_file_behave_as_configured()
    {
        var config = PrometheusConfig.Load(FullConfig, "prometheus.yml", Directory, Env("REPLICA", "r1"));
        var rules = config.ScrapeConfigs[1].RelabelConfigs;
        foreach (var address in new[] { "127.0.0.1:1", "127.0.0.1:2", "node-a.example:9100", "foo", "bar:80" })
        {
            var result = Relabeler.Process(LabelSet.FromStrings("__address__", address), rules);
            Assert.Equal(Relabeler.HashMod(address, 4) == 0, result is not null);
            if (result is not null)
            {
                // host comes from host:port only.
                var colon = address.IndexOf(':', StringComparison.Ordinal);
                Assert.Equal(colon < 0 ? string.Empty : address[..colon], result.Get("host"));
                Assert.Equal("0", result.Get("__tmp_hash"));
            }
        }
    }

    [Fact]
    public void Defaults_are_upstreams()
    {
        var config = PrometheusConfig.Load(
            """
            scrape_configs:
              - job_name: a
              - job_name: b
                scrape_interval: 5s
            """);

        Assert.Equal(TimeSpan.FromMinutes(1), config.Global.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), config.Global.ScrapeTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), config.Global.EvaluationInterval);
        Assert.True(config.Global.ExternalLabels.IsEmpty);

        var a = config.ScrapeConfigs[0];
        Assert.Equal(TimeSpan.FromMinutes(1), a.ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), a.ScrapeTimeout);
        Assert.Equal("/metrics", a.MetricsPath);
        Assert.Equal("http", a.Scheme);
        Assert.True(a.HonorTimestamps);
        Assert.False(a.HonorLabels);
        Assert.True(a.EnableCompression);
        Assert.Equal(0u, a.SampleLimit);
        Assert.Null(a.Http.BasicAuth);
        Assert.Null(a.Http.Authorization);
        Assert.False(a.Http.Tls.InsecureSkipVerify);
        Assert.Equal(ScrapeConfig.DefaultScrapeProtocols, a.ScrapeProtocols);

        // The timeout never exceeds the job's own interval.
        Assert.Equal(TimeSpan.FromSeconds(5), config.ScrapeConfigs[1].ScrapeTimeout);
    }

    [Fact]
    public void Global_values_flow_into_scrape_configs()
    {
        var config = PrometheusConfig.Load(
            """
            global:
              scrape_interval: 30s
              scrape_timeout: 20s
              sample_limit: 100
              label_limit: 7
            scrape_configs:
              - job_name: a
              - job_name: b
                scrape_interval: 10s
                sample_limit: 5
            """);

        Assert.Equal(TimeSpan.FromSeconds(30), config.ScrapeConfigs[0].ScrapeInterval);
        Assert.Equal(TimeSpan.FromSeconds(20), config.ScrapeConfigs[0].ScrapeTimeout);
        Assert.Equal(100u, config.ScrapeConfigs[0].SampleLimit);
        Assert.Equal(7u, config.ScrapeConfigs[1].LabelLimit);
        Assert.Equal(5u, config.ScrapeConfigs[1].SampleLimit);
        Assert.Equal(TimeSpan.FromSeconds(10), config.ScrapeConfigs[1].ScrapeTimeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("global:\n")]
    [InlineData("# only a comment\n")]
    public void Empty_files_and_sections_give_the_defaults(string yaml)
    {
        var config = PrometheusConfig.Load(yaml);
        Assert.Equal(GlobalConfig.Default, config.Global);
        Assert.Empty(config.ScrapeConfigs);
    }

    [Fact]
    public void Bearer_token_becomes_a_bearer_authorization()
    {
        var config = PrometheusConfig.Load(
            """
            scrape_configs:
              - job_name: a
                bearer_token_file: /run/token
            """);
        var auth = config.ScrapeConfigs[0].Http.Authorization!;
        Assert.Equal("Bearer", auth.Type);
        Assert.Equal("/run/token", auth.CredentialsFile);
    }

    [Fact]
    public void Yaml_anchors_and_merge_keys_work()
    {
        var config = PrometheusConfig.Load(
            """
            scrape_configs:
              - &base
                job_name: a
                scrape_interval: 7s
                metrics_path: /m
              - <<: *base
                job_name: b
            """);
        Assert.Equal("b", config.ScrapeConfigs[1].JobName);
        Assert.Equal(TimeSpan.FromSeconds(7), config.ScrapeConfigs[1].ScrapeInterval);
        Assert.Equal("/m", config.ScrapeConfigs[1].MetricsPath);
    }

    [Fact]
    public void Upstream_sections_this_server_does_not_use_are_warnings()
    {
        var config = PrometheusConfig.Load("storage:\n  tsdb:\n    out_of_order_time_window: 1h\n");
        Assert.Contains(config.Warnings, w => w.Contains("storage", StringComparison.Ordinal));
    }

    [Fact]
    public void LoadFile_resolves_relative_paths_against_the_files_directory()
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("sm-config-").FullName;
        try
        {
            var path = Path.Combine(dir, "prometheus.yml");
            File.WriteAllText(path, "rule_files: [rules.yml]\nscrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: [sd/*.json]\n");
            var config = PrometheusConfig.LoadFile(path);
            Assert.Equal(Path.Combine(dir, "rules.yml"), Assert.Single(config.RuleFiles));
            Assert.Equal(Path.Combine(dir, "sd", "*.json"), Assert.Single(config.ScrapeConfigs[0].FileSdConfigs[0].Files));
            Assert.Equal(path, config.FileName);
        }
        finally
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ToYaml_redacts_secrets_and_round_trips()
    {
        var config = PrometheusConfig.Load(FullConfig, "prometheus.yml", Directory, Env("REPLICA", "r1"));
        var yaml = config.ToYaml();
        foreach (var secret in new[] { "s3cret", "am-pass", "sd-token", "rw-token", "tenant-1" })
        {
            Assert.DoesNotContain(secret, yaml, StringComparison.Ordinal);
        }

        Assert.Contains("password: <secret>", yaml, StringComparison.Ordinal);
        Assert.Contains("scrape_interval: 1h30m", yaml, StringComparison.Ordinal);
        Assert.Contains("scrape_timeout: 100ms", yaml, StringComparison.Ordinal);

        // Printed with secrets, it parses back to the same configuration.
        var again = PrometheusConfig.Load(config.ToYaml(revealSecrets: true), "prometheus.yml", Directory, Env("REPLICA", "r1"));
        Assert.Equal(config.ToYaml(revealSecrets: true), again.ToYaml(revealSecrets: true));
        Assert.Equal("s3cret", again.ScrapeConfigs[1].Http.BasicAuth!.Password.Reveal());
        Assert.Equal("<secret>", again.ScrapeConfigs[1].Http.BasicAuth!.Password.ToString());
    }

    [Theory]
    [InlineData("$A-${B}", "a-b")]
    [InlineData("cost $$5", "cost $5")]
    [InlineData("${UNSET}x", "x")]
    [InlineData("trailing $", "trailing $")]
    [InlineData("bad ${ syntax", "bad  syntax")]
    [InlineData("no vars", "no vars")]
    public void External_labels_expand_the_environment_like_go(string value, string expected)
    {
        var config = PrometheusConfig.Load(
            $"global:\n  external_labels:\n    x: '{value}'\n",
            environment: n => n switch { "A" => "a", "B" => "b", _ => null });
        Assert.Equal(expected, config.Global.ExternalLabels.Get("x"));
    }

    private static Func<string, string?> Env(string name, string value) => n => n == name ? value : null;
}
