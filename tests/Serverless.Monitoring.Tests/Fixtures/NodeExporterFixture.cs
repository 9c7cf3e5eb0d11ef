using System.Globalization;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// A real node_exporter (Debian's <c>prometheus-node-exporter</c>) on a free loopback
/// port: a scrape target with real metrics. Ready when <c>GET /metrics</c> answers 200.
/// Use it as an <c>IClassFixture&lt;NodeExporterFixture&gt;</c> or start one with <see cref="StartAsync"/>.
/// </summary>
public sealed class NodeExporterFixture : IAsyncLifetime, IDisposable
{
    private const string InstallHint = "./test.sh (as root), or: apt-get install prometheus-node-exporter";

    private readonly NodeExporterOptions _options;
    private ExternalProcess? _process;
    private int _port;

    /// <summary>For xunit: <see cref="InitializeAsync"/> starts node_exporter with default options.</summary>
    public NodeExporterFixture()
        : this(new NodeExporterOptions())
    {
    }

    private NodeExporterFixture(NodeExporterOptions options)
    {
        _options = options;
    }

    /// <summary><c>http://127.0.0.1:port/</c></summary>
    public Uri BaseUri => new($"http://{ListenAddress}/");

    /// <summary><c>http://127.0.0.1:port/metrics</c></summary>
    public Uri MetricsUri => new(BaseUri, "metrics");

    /// <summary><c>127.0.0.1:port</c>, the scrape target.</summary>
    public string ListenAddress => _process is null ? throw NotStarted() : $"127.0.0.1:{_port}";

    public int Port => _process is null ? throw NotStarted() : _port;

    public ExternalProcess Process => _process ?? throw NotStarted();

    public static string FindBinary() => ToolLocator.Find("prometheus-node-exporter", InstallHint);

    /// <summary>Starts a private node_exporter; dispose it when done.</summary>
    public static async Task<NodeExporterFixture> StartAsync(NodeExporterOptions? options = null, CancellationToken cancellationToken = default)
    {
        var fixture = new NodeExporterFixture(options ?? new NodeExporterOptions());
        return await FixtureLifetime.StartOrDisposeAsync(fixture, fixture.StartCoreAsync, cancellationToken);
    }

    public Task InitializeAsync() => StartCoreAsync(CancellationToken.None);

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _process?.Dispose();

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("node_exporter is already started.");
        }

        var binary = FindBinary();
        _port = FreePort.Get();
        string[] arguments =
        [
            $"--web.listen-address=127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}",
            .. _options.ExtraArguments,
        ];
        _process = ExternalProcess.Start("prometheus-node-exporter", binary, arguments);
        await _process.WaitForHttpAsync(MetricsUri, _options.StartTimeout, cancellationToken);
    }

    private static InvalidOperationException NotStarted() =>
        new("node_exporter is not started: use the fixture through xunit (IAsyncLifetime) or NodeExporterFixture.StartAsync.");
}
