using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Config;

/// <summary>
/// The mistakes we reject are rejected by upstream too (<c>promtool check config</c>, Prometheus
/// 2.42 here), with the same reason. Left out: checks newer than 2.42 (min_shards vs max_shards,
/// the TLS key/cert wording) and names that only legacy validation rejects (2.42 has no UTF-8 names).
/// </summary>
public sealed class ConfigErrorsAgainstPromtoolTests
{
    public static TheoryData<string, string> Mistakes() => new()
    {
        { "scrape_configs:\n  - job_name: a\n    foo: 1\n", "field foo not found in type config.ScrapeConfig" },
        { "global:\n  scrape_interval: 1x\n", "not a valid duration string: \"1x\"" },
        { "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - regex: \"a(\"\n", "error parsing regexp" },
        { "scrape_configs:\n  - job_name: x\n  - job_name: x\n", "found multiple scrape configs with job name \"x\"" },
        { "scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n", "scrape timeout greater than scrape interval for scrape config with job name \"a\"" },
        { "global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n", "global scrape timeout greater than scrape interval" },
        { "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: explode\n", "unknown relabel action \"explode\"" },
        { "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {source_labels: [a], target_label: b, action: hashmod}\n", "relabel configuration for hashmod requires non-zero modulus" },
        { "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {action: labeldrop, source_labels: [a]}\n", "labeldrop action requires only 'regex', and no other fields" },
        { "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {action: keepequal, target_label: b, separator: x}\n", "keepequal action requires only 'source_labels' and `target_label`, and no other fields" },
        { "scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - {action: lowercase, target_label: b, replacement: x}\n", "'replacement' can not be set for lowercase action" },
        { "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [\"http://bad:9100\"]\n", "\"http://bad:9100\" is not a valid hostname" },
        { "scrape_configs:\n  - job_name: a\n    basic_auth: {username: u}\n    bearer_token: t\n", "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured" },
        { "scrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: [targets.txt]\n", "path name \"targets.txt\" is not valid for file discovery" },
        { "scrape_configs:\n  - job_name: a\n    http_sd_configs:\n      - url: ftp://x/\n", "URL scheme must be 'http' or 'https'" },
        { "rule_files:\n  - a/*/b.yml\n", "invalid rule file path \"a/*/b.yml\"" },
        { "remote_write:\n  - name: x\n", "url for remote_write is empty" },
        { "scrape_configs:\n  -\n", "empty or null scrape config section" },
        { "scrape_configs:\n  - job_name: a\n    authorization: {type: Basic, credentials: x}\n", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Upstream_rejects_it_for_the_same_reason(string yaml, string reason)
    {
        var ours = Assert.Throws<ConfigException>(() => PrometheusConfig.Load(yaml));
        Assert.Contains(reason, ours.Reason, StringComparison.Ordinal);

        using var dir = new TempDirectory("sm-promtool-");
        var path = dir.Combine("prometheus.yml");
        await File.WriteAllTextAsync(path, yaml);
        var upstream = await Promtool.CheckConfigAsync(path);
        Assert.NotEqual(0, upstream.ExitCode);
        Assert.Contains(reason, upstream.StandardOutput + upstream.StandardError, StringComparison.Ordinal);
    }
}
