using System.Globalization;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// A real Alertmanager (Debian's <c>prometheus-alertmanager</c>, 0.25) on a free loopback port, with
/// clustering off (its gossip port would otherwise listen on every interface) and its data in a
/// temporary folder. Ready when <c>GET /-/ready</c> answers 200. Start one with <see cref="StartAsync"/>.
/// </summary>
public sealed class AlertmanagerFixture : IDisposable
{
    private const string InstallHint = "./test.sh (as root), or: apt-get install prometheus-alertmanager";

    /// <summary>A configuration that accepts every alert and notifies nobody.</summary>
    public const string NullReceiverConfig = "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n";

    private readonly TempDirectory _directory = new("sm-alertmanager-");
    private ExternalProcess? _process;

    private AlertmanagerFixture()
    {
    }

    public int Port { get; private set; }

    /// <summary><c>http://127.0.0.1:port/</c></summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public ExternalProcess Process => _process ?? throw new InvalidOperationException("Alertmanager is not started.");

    public static string FindBinary() => ToolLocator.Find("prometheus-alertmanager", InstallHint);

    public static Task<AlertmanagerFixture> StartAsync(string config = NullReceiverConfig, CancellationToken cancellationToken = default) =>
        StartAsync(config, [], cancellationToken);

    /// <summary>Starts one with <paramref name="extraArguments"/> added to its command line (e.g. <c>--web.external-url=…</c>).</summary>
    public static async Task<AlertmanagerFixture> StartAsync(string config, IReadOnlyList<string> extraArguments, CancellationToken cancellationToken = default)
    {
        var fixture = new AlertmanagerFixture();
        return await FixtureLifetime.StartOrDisposeAsync(fixture, ct => fixture.StartCoreAsync(config, extraArguments, ct), cancellationToken);
    }

    private async Task StartCoreAsync(string config, IReadOnlyList<string> extraArguments, CancellationToken cancellationToken)
    {
        var binary = FindBinary();
        var configFile = _directory.Combine("alertmanager.yml");
        await File.WriteAllTextAsync(configFile, config, cancellationToken);
        Port = FreePort.Get();
        _process = ExternalProcess.Start("alertmanager", binary,
        [
            $"--config.file={configFile}",
            $"--storage.path={_directory.Combine("data")}",
            $"--web.listen-address=127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}",
            "--cluster.listen-address=",
            .. extraArguments,
        ]);
        await _process.WaitForHttpAsync(new Uri(BaseUri, "-/ready"), TimeSpan.FromSeconds(60), cancellationToken);
    }

    public void Dispose()
    {
        _process?.Dispose();
        _directory.Dispose();
    }
}
