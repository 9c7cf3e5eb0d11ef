namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>How <see cref="PrometheusFixture.StartAsync"/> starts Prometheus.</summary>
public sealed class PrometheusOptions
{
    /// <summary>A minimal configuration: global intervals, no scrape jobs.</summary>
    public const string DefaultConfigYaml =
        """
        global:
          scrape_interval: 15s
          evaluation_interval: 15s
        """;

    /// <summary>
    /// An existing configuration file to run with (used in place, not deleted). When null,
    /// <see cref="ConfigYaml"/> is written to <c>prometheus.yml</c> in the fixture's temp directory.
    /// </summary>
    public string? ConfigPath { get; set; }

    /// <summary>The configuration written when <see cref="ConfigPath"/> is null.</summary>
    public string ConfigYaml { get; set; } = DefaultConfigYaml;

    /// <summary>
    /// Further files (e.g. rule files) written to the fixture's temp directory before start,
    /// by relative path, so a configuration can name them.
    /// </summary>
    public IDictionary<string, string> Files { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The port to listen on (127.0.0.1); null picks a free one. Set it from
    /// <see cref="FreePort.Get()"/> when the configuration must name Prometheus's own address.
    /// </summary>
    public int? Port { get; set; }

    /// <summary>
    /// True (default): <c>--web.enable-lifecycle</c> and <c>--web.enable-remote-write-receiver</c>;
    /// false: Prometheus's own defaults, both off.
    /// </summary>
    public bool EnableLifecycleAndRemoteWrite { get; set; } = true;

    /// <summary>Arguments added after the fixture's own (e.g. <c>--enable-feature=...</c>).</summary>
    public IList<string> ExtraArguments { get; } = new List<string>();

    /// <summary>
    /// Runs before Prometheus starts, given the (empty) <c>--storage.tsdb.path</c>, e.g. to put
    /// blocks there with <c>promtool tsdb create-blocks-from</c>.
    /// </summary>
    public Func<string, CancellationToken, Task>? PrepareDataAsync { get; set; }

    /// <summary>How long to wait for <c>/-/ready</c>.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
