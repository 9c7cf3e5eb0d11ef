using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// A real Azurite (Blob, Queue and Table) on three free loopback ports, in memory (by
/// default) and in a temporary directory deleted on dispose, without telemetry. The binary comes from <c>AZURITE_BIN</c>,
/// else <c>.tools/node_modules/.bin/azurite</c> in the repository, else PATH; a missing
/// binary fails with the install command.
/// Share one per test run with <c>[Collection(AzuriteCollection.Name)]</c>; start a private
/// one with <see cref="StartAsync"/>.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime, IDisposable
{
    /// <summary>The development storage account every Azurite knows.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The well-known key of <see cref="DevelopmentAccountName"/> (public, published by Microsoft).</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string InstallHint = "./test.sh (installs it into .tools), or: npm ci --prefix .tools";

    private readonly AzuriteOptions _options;
    private TempDirectory? _location;
    private ExternalProcess? _process;
    private int[]? _ports;

    /// <summary>For xunit: <see cref="InitializeAsync"/> starts Azurite with default options.</summary>
    public AzuriteFixture()
        : this(new AzuriteOptions())
    {
    }

    private AzuriteFixture(AzuriteOptions options)
    {
        _options = options;
    }

    [SuppressMessage("Performance", "CA1822", Justification = "Read beside the endpoints, from the fixture instance.")]
    public string AccountName => DevelopmentAccountName;

    [SuppressMessage("Performance", "CA1822", Justification = "Read beside the endpoints, from the fixture instance.")]
    public string AccountKey => DevelopmentAccountKey;

    public int BlobPort => Ports[0];

    public int QueuePort => Ports[1];

    public int TablePort => Ports[2];

    /// <summary><c>http://127.0.0.1:port/devstoreaccount1</c></summary>
    public Uri BlobEndpoint => AccountEndpoint(BlobPort);

    public Uri QueueEndpoint => AccountEndpoint(QueuePort);

    public Uri TableEndpoint => AccountEndpoint(TablePort);

    /// <summary>A Shared Key connection string with all three endpoints.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={TrimSlash(BlobEndpoint)};QueueEndpoint={TrimSlash(QueueEndpoint)};TableEndpoint={TrimSlash(TableEndpoint)};";

    /// <summary>
    /// A temporary directory, deleted on dispose: Azurite's working directory, and its
    /// workspace (<c>--location</c>) when <see cref="AzuriteOptions.InMemory"/> is false.
    /// </summary>
    public string Location => (_location ?? throw NotStarted()).Path;

    public ExternalProcess Process => _process ?? throw NotStarted();

    /// <summary>The path of the azurite binary the fixture uses (or a <see cref="MissingToolException"/>).</summary>
    public static string FindBinary() => ToolLocator.Find(
        "azurite",
        InstallHint,
        environmentVariable: "AZURITE_BIN",
        candidates: [Path.Combine(ToolLocator.RepositoryRoot, ".tools", "node_modules", ".bin", "azurite")]);

    /// <summary>Starts a private Azurite; dispose it when done.</summary>
    public static async Task<AzuriteFixture> StartAsync(AzuriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var fixture = new AzuriteFixture(options ?? new AzuriteOptions());
        return await FixtureLifetime.StartOrDisposeAsync(fixture, fixture.StartCoreAsync, cancellationToken);
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
        _location?.Dispose();
    }

    private int[] Ports => _ports ?? throw NotStarted();

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("Azurite is already started.");
        }

        var binary = FindBinary();
        var ports = FreePort.Get(3);
        _location = new TempDirectory("sm-azurite-");
        // Azurite refuses --location together with --inMemoryPersistence: in memory, the
        // temporary directory is only its working directory; on disk, its workspace.
        string[] storage = _options.InMemory ? ["--inMemoryPersistence"] : ["--location", _location.Path];
        string[] arguments =
        [
            "--silent",
            "--disableTelemetry",
            .. storage,
            "--blobHost", "127.0.0.1", "--blobPort", ports[0].ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", ports[1].ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", ports[2].ToString(CultureInfo.InvariantCulture),
            .. _options.ExtraArguments,
        ];
        _process = ExternalProcess.Start("azurite", binary, arguments, workingDirectory: _location.Path);
        _ports = ports;
        await _process.WaitForTcpAsync(ports, _options.StartTimeout, cancellationToken);
    }

    private static Uri AccountEndpoint(int port) => new($"http://127.0.0.1:{port}/{DevelopmentAccountName}");

    private static string TrimSlash(Uri uri) => uri.AbsoluteUri.TrimEnd('/');

    private static InvalidOperationException NotStarted() =>
        new("Azurite is not started: use the fixture through xunit (IAsyncLifetime) or AzuriteFixture.StartAsync.");
}
