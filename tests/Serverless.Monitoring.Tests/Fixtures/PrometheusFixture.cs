using System.Globalization;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c>) on a free loopback port with a generated
/// configuration and TSDB in a temporary directory deleted on dispose, with
/// <c>--web.enable-lifecycle</c> and <c>--web.enable-remote-write-receiver</c> unless
/// <see cref="PrometheusOptions.EnableLifecycleAndRemoteWrite"/> says otherwise. Ready when
/// <c>GET /-/ready</c> answers 200. Use it as an <c>IClassFixture&lt;PrometheusFixture&gt;</c>
/// (default options) or start one with <see cref="StartAsync"/>.
/// </summary>
public sealed class PrometheusFixture : IAsyncLifetime, IDisposable
{
    private const string InstallHint = "./test.sh (as root), or: apt-get install prometheus";

    private readonly PrometheusOptions _options;
    private TempDirectory? _directory;
    private ExternalProcess? _process;
    private string? _configPath;
    private int _port;

    /// <summary>For xunit: <see cref="InitializeAsync"/> starts Prometheus with default options.</summary>
    public PrometheusFixture()
        : this(new PrometheusOptions())
    {
    }

    private PrometheusFixture(PrometheusOptions options)
    {
        _options = options;
    }

    /// <summary><c>http://127.0.0.1:port/</c></summary>
    public Uri BaseUri => new($"http://{ListenAddress}/");

    /// <summary><c>127.0.0.1:port</c>, e.g. for a scrape target.</summary>
    public string ListenAddress => _process is null ? throw NotStarted() : $"127.0.0.1:{_port}";

    public int Port => _process is null ? throw NotStarted() : _port;

    /// <summary>The configuration file Prometheus runs with (what <c>/-/reload</c> reads).</summary>
    public string ConfigPath => _configPath ?? throw NotStarted();

    /// <summary><c>--storage.tsdb.path</c></summary>
    public string DataPath => Path.Combine(WorkingDirectory, "data");

    /// <summary>The temporary directory that holds the data, the generated config and <see cref="PrometheusOptions.Files"/>.</summary>
    public string WorkingDirectory => (_directory ?? throw NotStarted()).Path;

    public ExternalProcess Process => _process ?? throw NotStarted();

    public static string FindBinary() => ToolLocator.Find("prometheus", InstallHint);

    /// <summary>Starts a private Prometheus; dispose it when done.</summary>
    public static async Task<PrometheusFixture> StartAsync(PrometheusOptions? options = null, CancellationToken cancellationToken = default)
    {
        var fixture = new PrometheusFixture(options ?? new PrometheusOptions());
        return await FixtureLifetime.StartOrDisposeAsync(fixture, fixture.StartCoreAsync, cancellationToken);
    }

    /// <summary>An absolute URI on this Prometheus, e.g. <c>GetUri("api/v1/query?query=up")</c>.</summary>
    public Uri GetUri(string relative) => new(BaseUri, relative);

    /// <summary>Asks Prometheus to re-read <see cref="ConfigPath"/> (<c>POST /-/reload</c>); throws unless it answers 2xx.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        using var http = LoopbackHttp.CreateClient();
        using var response = await http.PostAsync(GetUri("-/reload"), content: null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException(
                Process.Describe($"refused to reload {ConfigPath}: HTTP {(int)response.StatusCode}: {body}"));
        }
    }

    public Task InitializeAsync() => StartCoreAsync(CancellationToken.None);

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _process?.Dispose();
        _directory?.Dispose();
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("Prometheus is already started.");
        }

        var binary = FindBinary();
        _directory = new TempDirectory("sm-prometheus-");
        foreach (var (relativePath, content) in _options.Files)
        {
            var path = _directory.Combine(relativePath);
            System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, content, cancellationToken);
        }

        if (_options.ConfigPath is { } configPath)
        {
            _configPath = System.IO.Path.GetFullPath(configPath);
        }
        else
        {
            _configPath = _directory.Combine("prometheus.yml");
            await File.WriteAllTextAsync(_configPath, _options.ConfigYaml, cancellationToken);
        }

        if (_options.PrepareDataAsync is { } prepare)
        {
            System.IO.Directory.CreateDirectory(DataPath);
            await prepare(DataPath, cancellationToken);
        }

        _port = _options.Port ?? FreePort.Get();
        string[] arguments =
        [
            $"--config.file={_configPath}",
            $"--storage.tsdb.path={_directory.Combine("data")}",
            $"--web.listen-address=127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}",
            .. _options.EnableLifecycleAndRemoteWrite ? ["--web.enable-lifecycle", "--web.enable-remote-write-receiver"] : Array.Empty<string>(),
            .. _options.ExtraArguments,
        ];
        _process = ExternalProcess.Start("prometheus", binary, arguments, workingDirectory: _directory.Path);
        await _process.WaitForHttpAsync(GetUri("-/ready"), _options.StartTimeout, cancellationToken);
    }

    private static InvalidOperationException NotStarted() =>
        new("Prometheus is not started: use the fixture through xunit (IAsyncLifetime) or PrometheusFixture.StartAsync.");
}
