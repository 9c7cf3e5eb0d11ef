using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Rules;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Functions.Scraping;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Scraping;

/// <summary>
/// <c>rule_files</c> are checked and loaded with <c>prometheus.yml</c>, at start and on every reload
/// (a broken file stops the start, and a reload that finds one keeps the running rules).
/// </summary>
public sealed class RuleFilesLoadingTests : IDisposable
{
    private const string GoodRules = "groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n";
    private const string BrokenRules = "groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up\n";

    private readonly TempDirectory _work = new("sm-rulefiles-");

    private PrometheusConfigSource Source(string config, CapturingLoggerProvider logs, out ILoggerFactory factory)
    {
        var path = _work.Combine("prometheus.yml");
        File.WriteAllText(path, config);
        factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        return new PrometheusConfigSource(Options.Create(new ScrapeOptions { ConfigFile = path }), factory.CreateLogger<PrometheusConfigSource>());
    }

    [Fact]
    public void Rule_files_are_loaded_relative_to_the_config()
    {
        Directory.CreateDirectory(_work.Combine("rules"));
        File.WriteAllText(_work.Combine("rules/a.yml"), GoodRules);
        using var logs = new CapturingLoggerProvider();
        using var source = Source("rule_files: ['rules/*.yml']\n", logs, out var factory);
        using var _ = factory;

        source.LoadInitial();

        var group = Assert.Single(Assert.Single(source.CurrentRules).Groups);
        Assert.Equal("g", group.Name);
        Assert.DoesNotContain("Warning ", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_rule_file_stops_the_start_naming_file_line_and_field()
    {
        File.WriteAllText(_work.Combine("rules.yml"), BrokenRules);
        using var logs = new CapturingLoggerProvider();
        using var source = Source("rule_files: ['rules.yml']\n", logs, out var factory);
        using var _ = factory;

        var error = Assert.Throws<RuleFileException>(() => source.LoadInitial());

        var problem = Assert.Single(error.Errors);
        Assert.StartsWith(_work.Combine("rules.yml") + ":5:", problem.Message, StringComparison.Ordinal);
        Assert.Contains("groups[0].rules[0].expr", problem.Message, StringComparison.Ordinal);
        Assert.Equal([problem.Message], MonitoringHost.StartupFailures(error));
    }

    [Fact]
    public void A_reload_that_finds_a_broken_rule_file_keeps_the_running_config_and_rules()
    {
        File.WriteAllText(_work.Combine("rules.yml"), GoodRules);
        using var logs = new CapturingLoggerProvider();
        using var source = Source("rule_files: ['rules.yml']\n", logs, out var factory);
        using var _ = factory;
        var running = source.LoadInitial();
        var rules = source.CurrentRules;

        File.WriteAllText(_work.Combine("rules.yml"), BrokenRules);
        var reason = source.Reload();

        Assert.NotNull(reason);
        Assert.Contains("rules.yml:5:", reason, StringComparison.Ordinal);
        Assert.False(source.LastReloadSuccessful);
        Assert.Same(running, source.Current);
        Assert.Same(rules, source.CurrentRules);

        File.WriteAllText(_work.Combine("rules.yml"), GoodRules.Replace("name: g", "name: h", StringComparison.Ordinal));
        Assert.Null(source.Reload());
        Assert.Equal("h", Assert.Single(Assert.Single(source.CurrentRules).Groups).Name);
    }

    [Fact]
    public void A_config_without_them_warns_about_nothing()
    {
        using var logs = new CapturingLoggerProvider();
        using var source = Source("scrape_configs: []\n", logs, out var factory);
        using var _ = factory;

        source.LoadInitial();

        Assert.Empty(source.CurrentRules);
        Assert.DoesNotContain("Warning ", logs.Text, StringComparison.Ordinal);
    }

    public void Dispose() => _work.Dispose();
}
