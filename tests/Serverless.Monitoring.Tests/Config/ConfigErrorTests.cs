using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Tests.Config;

/// <summary>Each class of mistake names the file, the line (and column) and the field, with upstream's reason.</summary>
public sealed class ConfigErrorTests
{
    public static TheoryData<string, string, int, string, string> Mistakes() => new()
    {
        {
            "unknown field",
            "scrape_configs:\n  - job_name: a\n    foo: 1\n",
            3, "scrape_configs[0].foo", "field foo not found in type config.ScrapeConfig"
        },
        {
            "unknown top-level field",
            "global:\n  scrape_interval: 1m\nscrape_config:\n  - job_name: a\n",
            3, "scrape_config", "field scrape_config not found in type config.Config"
        },
        {
            "bad duration",
            "global:\n  scrape_interval: 1x\n",
            2, "global.scrape_interval", "not a valid duration string: \"1x\""
        },
        {
            "bad duration in a scrape config",
            "scrape_configs:\n  - job_name: a\n    scrape_timeout: 1.5s\n",
            3, "scrape_configs[0].scrape_timeout", "not a valid duration string: \"1.5s\""
        },
        {
            "bad regex in a relabel config",
            "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - source_labels: [x]\n        regex: \"a(\"\n        action: keep\n",
            5, "scrape_configs[0].relabel_configs[0].regex", "error parsing regexp"
        },
        {
            "duplicate job name",
            "scrape_configs:\n  - job_name: x\n  - job_name: y\n  - job_name: x\n",
            4, "scrape_configs[2].job_name", "found multiple scrape configs with job name \"x\""
        },
        {
            "scrape timeout greater than interval",
            "scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n",
            4, "scrape_configs[0].scrape_timeout", "scrape timeout greater than scrape interval for scrape config with job name \"a\""
        },
        {
            "global scrape timeout greater than interval",
            "global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n",
            3, "global.scrape_timeout", "global scrape timeout greater than scrape interval"
        },
        {
            "bad scheme",
            "scrape_configs:\n  - job_name: a\n    scheme: ftp\n",
            3, "scrape_configs[0].scheme", "invalid scheme \"ftp\" for scrape config with job name \"a\""
        },
        {
            "empty job name",
            "scrape_configs:\n  - job_name: \"\"\n",
            2, "scrape_configs[0].job_name", "job_name is empty"
        },
        {
            "unknown relabel action",
            "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: explode\n",
            4, "scrape_configs[0].relabel_configs[0].action", "unknown relabel action \"explode\""
        },
        {
            "hashmod without modulus",
            "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - source_labels: [a]\n        target_label: b\n        action: hashmod\n",
            4, "scrape_configs[0].relabel_configs[0]", "relabel configuration for hashmod requires non-zero modulus"
        },
        {
            "bad bool",
            "scrape_configs:\n  - job_name: a\n    honor_labels: maybe\n",
            3, "scrape_configs[0].honor_labels", "cannot unmarshal !!str `maybe` into bool"
        },
        {
            "negative limit",
            "scrape_configs:\n  - job_name: a\n    sample_limit: -1\n",
            3, "scrape_configs[0].sample_limit", "cannot unmarshal !!int `-1` into uint"
        },
        {
            "list where a map belongs",
            "global:\n  - scrape_interval: 1m\n",
            2, "global", "cannot unmarshal !!seq into config.GlobalConfig"
        },
        {
            "a URL as a static target",
            "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [\"http://bad:9100\"]\n",
            4, "scrape_configs[0].static_configs[0].targets[0]", "\"http://bad:9100\" is not a valid hostname"
        },
        {
            "basic_auth with bearer_token",
            "scrape_configs:\n  - job_name: a\n    basic_auth: {username: u}\n    bearer_token: t\n",
            4, "scrape_configs[0].bearer_token", "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"
        },
        {
            "password and password_file",
            "scrape_configs:\n  - job_name: a\n    basic_auth:\n      password: p\n      password_file: f\n",
            4, "scrape_configs[0].basic_auth", "at most one of basic_auth password, password_file & password_ref must be configured"
        },
        {
            "unknown field in tls_config",
            "scrape_configs:\n  - job_name: a\n    tls_config:\n      ca_fil: x\n",
            4, "scrape_configs[0].tls_config.ca_fil", "field ca_fil not found in type config.TLSConfig"
        },
        {
            "invalid file_sd path",
            "scrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: [targets.txt]\n",
            4, "scrape_configs[0].file_sd_configs[0].files", "path name \"targets.txt\" is not valid for file discovery"
        },
        {
            "http_sd without a URL scheme",
            "scrape_configs:\n  - job_name: a\n    http_sd_configs:\n      - url: ftp://x/\n",
            4, "scrape_configs[0].http_sd_configs[0].url", "URL scheme must be 'http' or 'https'"
        },
        {
            "invalid rule file path",
            "rule_files:\n  - a/*/b.yml\n",
            2, "rule_files[0]", "invalid rule file path \"a/*/b.yml\""
        },
        {
            "remote write without url",
            "remote_write:\n  - name: x\n",
            2, "remote_write[0]", "url for remote_write is empty"
        },
        {
            "duplicate key",
            "global:\n  scrape_interval: 1m\n  scrape_interval: 2m\n",
            3, "global.scrape_interval", "already set"
        },
        {
            "unsupported discovery",
            "scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n      - role: pod\n",
            4, "scrape_configs[0].kubernetes_sd_configs", "field kubernetes_sd_configs is not supported yet"
        },
        {
            "null scrape config",
            "scrape_configs:\n  -\n  - job_name: a\n",
            2, "scrape_configs[0]", "empty or null scrape config section"
        },
        {
            "invalid external label name under legacy validation",
            "global:\n  metric_name_validation_scheme: legacy\n  external_labels:\n    a.b: x\n",
            4, "global.external_labels.a.b", "\"a.b\" is not a valid label name"
        },
        {
            "invalid target_label under legacy validation",
            "scrape_configs:\n  - job_name: a\n    metric_name_validation_scheme: legacy\n    relabel_configs:\n      - target_label: a-b\n",
            5, "scrape_configs[0].relabel_configs[0]", "\"a-b\" is invalid 'target_label' for replace action"
        },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Mistakes_name_file_line_and_field(string mistake, string yaml, int line, string field, string reason)
    {
        var ex = Assert.Throws<ConfigException>(() => PrometheusConfig.Load(yaml, "conf/prometheus.yml"));
        Assert.True(ex.FileName == "conf/prometheus.yml", mistake);
        Assert.True(line == ex.Line, $"{mistake}: line {ex.Line}, expected {line}: {ex.Message}");
        Assert.True(ex.Column > 0, $"{mistake}: no column: {ex.Message}");
        Assert.True(field == ex.Field, $"{mistake}: field {ex.Field}, expected {field}: {ex.Message}");
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"conf/prometheus.yml:{line}:{ex.Column}: {field}: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_yaml_names_the_place()
    {
        var ex = Assert.Throws<ConfigException>(() => PrometheusConfig.Load("global:\n  scrape_interval: [1m\n", "p.yml"));
        Assert.Equal("p.yml", ex.FileName);
        Assert.True(ex.Line >= 2, ex.Message);
        Assert.StartsWith("yaml: ", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_config_error()
    {
        var ex = Assert.Throws<ConfigException>(() => PrometheusConfig.LoadFile("/nonexistent/prometheus.yml"));
        Assert.Equal("/nonexistent/prometheus.yml", ex.FileName);
    }
}
