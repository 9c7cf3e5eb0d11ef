using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Serverless.Monitoring.Functions.Commands;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Hosting;

/// <summary>
/// <c>dotnet run --project &lt;repo&gt;/functions</c> from another directory, as a user runs it: the app
/// runs in the caller's directory, so <c>./data</c>, <c>prometheus.yml</c> and relative paths on the
/// command line are the caller's (the build this test project uses, with <c>--no-build</c>).
/// </summary>
public sealed class DotnetRunTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _caller = new("sm-dotnet-run-");

    public void Dispose() => _caller.Dispose();

    [Fact]
    public async Task Import_reads_and_writes_relative_to_the_callers_directory()
    {
        await File.WriteAllTextAsync(
            _caller.Combine("data.om"),
            "# TYPE up gauge\nup{job=\"a\"} 1 1700000000\nup{job=\"a\"} 1 1700000015\nup{job=\"b\"} 0 1700000015\n# EOF\n");

        var (code, output) = await RunToEndAsync("import", "openmetrics", "data.om");

        Assert.True(code == 0, output);
        Assert.Contains($"Importing data.om into local disk {_caller.Combine("data")}", output, StringComparison.Ordinal);
        Assert.Contains("samples:  3 read, 3 stored", output, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.EnumerateFiles(_caller.Combine("data"), "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("--help", "--web.enable-remote-write-receiver")]
    [InlineData("--help", "import")]
    [InlineData("--version", "Serverless.Monitoring, version 0.1.0 (branch: ")]
    public async Task Help_and_version_print_and_exit_0(string flag, string expected)
    {
        var (code, output) = await RunToEndAsync(flag);
        Assert.True(code == 0, output);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_uses_the_callers_prometheus_yml_and_data_folder()
    {
        await File.WriteAllTextAsync(_caller.Combine("prometheus.yml"), "scrape_configs:\n  - job_name: from-the-callers-folder\n    static_configs:\n      - targets: ['127.0.0.1:1']\n");
        var port = FreePort.Get();
        using var app = StartRun(["--storage.tsdb.path", "here", "--web.listen-address", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"]);
        var baseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        await app.WaitForHttpAsync(new Uri(baseUri, "-/ready"), RunTimeout);

        using var client = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(10));
        var config = await client.GetStringAsync(new Uri(baseUri, "api/v1/status/config"));
        Assert.Contains("from-the-callers-folder", config, StringComparison.Ordinal);
        using var runtime = JsonDocument.Parse(await client.GetStringAsync(new Uri(baseUri, "api/v1/status/runtimeinfo")));
        Assert.Equal(_caller.Path, runtime.RootElement.GetProperty("data").GetProperty("CWD").GetString());
        using var flags = JsonDocument.Parse(await client.GetStringAsync(new Uri(baseUri, "api/v1/status/flags")));
        Assert.Equal("here", flags.RootElement.GetProperty("data").GetProperty("storage.tsdb.path").GetString());
    }

    [Fact]
    public async Task Without_a_prometheus_yml_the_server_falls_back_to_the_shipped_sample()
    {
        var port = FreePort.Get();
        using var app = StartRun([$"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"]);
        var baseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        await app.WaitForHttpAsync(new Uri(baseUri, "-/ready"), RunTimeout);

        using var client = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(10));
        var config = await client.GetStringAsync(new Uri(baseUri, "api/v1/status/config"));
        Assert.Contains("job_name: serverless-monitoring", config, StringComparison.Ordinal);
        Assert.Contains($"Loaded configuration file {Path.Combine(AppDirectory(), "prometheus.yml")}", app.Output, StringComparison.Ordinal);
    }

    /// <summary>The folder dotnet run starts the app from: the functions project's output for this build's configuration.</summary>
    private static string AppDirectory() =>
        Path.Combine(ToolLocator.RepositoryRoot, "functions", "bin", Configuration(), "net10.0");

    private static string Configuration() =>
        typeof(MonitoringCommandLine).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    private async Task<(int? Code, string Output)> RunToEndAsync(params string[] args)
    {
        using var run = StartRun(args);
        var code = await run.WaitForExitAsync(RunTimeout);
        return (code, run.Describe($"exited with code {code?.ToString(CultureInfo.InvariantCulture) ?? "(still running)"}"));
    }

    /// <summary>
    /// <c>dotnet run --no-build -c &lt;configuration&gt; --project &lt;repo&gt;/functions -- args</c> in the
    /// caller's directory; the scrape loops off (the sample config names ports of this machine).
    /// </summary>
    private ExternalProcess StartRun(string[] args) => ExternalProcess.Start(
        "dotnet-run",
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
        ["run", "--no-build", "-c", Configuration(), "--project", Path.Combine(ToolLocator.RepositoryRoot, "functions"), "--", .. args],
        _caller.Path,
        new Dictionary<string, string?>
        {
            ["Scrape__Enabled"] = "false",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["ASPNETCORE_URLS"] = null,
            ["ASPNETCORE_HTTP_PORTS"] = null,
        });
}
