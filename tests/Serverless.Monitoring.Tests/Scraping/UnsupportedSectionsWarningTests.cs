using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Functions.Scraping;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Scraping;

/// <summary>
/// <c>rule_files</c> and <c>alerting</c> parse (users keep their files) but are not acted on yet:
/// loading or reloading a config that has them warns, never silently ignores them.
/// </summary>
public sealed class UnsupportedSectionsWarningTests : IDisposable
{
    private readonly TempDirectory _work = new("sm-unsupported-");

    [Theory]
    [InlineData("rule_files: ['rules/*.yml']\n", "rules/*.yml) are parsed but their rules are not evaluated yet")]
    [InlineData("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:9093']\n", "alerting is parsed but not used yet")]
    public void Loading_and_reloading_warn_about_sections_that_are_not_acted_on(string section, string warning)
    {
        var path = _work.Combine("prometheus.yml");
        File.WriteAllText(path, section);
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        using var source = new PrometheusConfigSource(Options.Create(new ScrapeOptions { ConfigFile = path }), factory.CreateLogger<PrometheusConfigSource>());

        source.LoadInitial();
        Assert.Single(logs.Text.Split('\n'), line => line.StartsWith("Warning ", StringComparison.Ordinal) && line.Contains(warning, StringComparison.Ordinal));

        Assert.Null(source.Reload());
        Assert.Equal(2, logs.Text.Split('\n').Count(line => line.Contains(warning, StringComparison.Ordinal)));
    }

    [Fact]
    public void A_config_without_them_warns_about_nothing()
    {
        var path = _work.Combine("prometheus.yml");
        File.WriteAllText(path, "scrape_configs: []\n");
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        using var source = new PrometheusConfigSource(Options.Create(new ScrapeOptions { ConfigFile = path }), factory.CreateLogger<PrometheusConfigSource>());

        source.LoadInitial();
        Assert.DoesNotContain("Warning ", logs.Text, StringComparison.Ordinal);
    }

    public void Dispose() => _work.Dispose();
}
