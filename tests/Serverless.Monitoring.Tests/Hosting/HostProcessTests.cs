using System.Diagnostics;
using System.Globalization;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Hosting;

/// <summary>Starts the real app (the built Serverless.Monitoring.Functions.dll) as a separate process.</summary>
public class HostProcessTests
{
    // A made-up account key: it must never appear in the output.
    private const string SecretKey = "c2VjcmV0LWtleS12YWx1ZS10aGF0LW11c3Qtbm90LWxlYWstYW55d2hlcmUtYXQtYWxsLWV2ZXI=";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Web_listen_address_flag_is_accepted()
    {
        var port = FreePort.Get();
        using var workingDirectory = new TempDirectory("sm-host-");
        using var app = StartHost(workingDirectory, new(), $"--web.listen-address=127.0.0.1:{port}");
        await app.WaitForHttpAsync(new Uri($"http://127.0.0.1:{port}/-/ready"), StartTimeout);
    }

    [Theory]
    [InlineData("Storage__Provider", "Bogus", "Storage:Provider is 'Bogus'; it must be one of: LocalDisk, AzureStorage")]
    [InlineData("Storage__Provider", "AzureStorage", "the connection 'MonitoringStorage' is not configured")]
    public async Task Configuration_errors_exit_1_with_a_clear_message(string variable, string value, string message)
    {
        using var workingDirectory = new TempDirectory("sm-host-");
        using var app = StartHost(workingDirectory, new() { [variable] = value, ["Web__ListenAddress"] = "127.0.0.1:0" });
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 1, app.Describe($"exited with code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "(still running)"}"));
        Assert.Contains(message, app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AccountName=acct;AccountKey=not*base64!", "AccountKey is not valid base64.")]
    [InlineData("AccountName=acct AccountKey=" + SecretKey, "AccountName (value not shown) contains characters")]
    [InlineData("AccountName=acct;" + SecretKey, "segment 2 has an unrecognized setting name.")]
    public async Task A_malformed_connection_string_exits_1_naming_the_setting_and_never_the_key(string connectionString, string reason)
    {
        using var workingDirectory = new TempDirectory("sm-host-");
        using var app = StartHost(workingDirectory, new()
        {
            ["Storage__Provider"] = "AzureStorage",
            ["MonitoringStorage"] = connectionString,
            ["Web__ListenAddress"] = "127.0.0.1:0",
        });

        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 1, app.Describe($"exited with code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "(still running)"}"));
        Assert.Contains($"The setting MonitoringStorage is not a valid storage connection string: {reason}", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey[..16], app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_prometheus_yml_exits_1_naming_file_line_and_field()
    {
        using var workingDirectory = new TempDirectory("sm-host-");
        await File.WriteAllTextAsync(workingDirectory.Combine("prometheus.yml"), "scrape_configs:\n  - job_name: node\n    scrape_intervl: 15s\n");
        using var app = StartHost(workingDirectory, new() { ["Web__ListenAddress"] = "127.0.0.1:0" });
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 1, app.Describe($"exited with code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "(still running)"}"));
        Assert.Contains("prometheus.yml:3", app.Output, StringComparison.Ordinal);
        Assert.Contains("field scrape_intervl not found in type config.ScrapeConfig", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SIGHUP_reloads_prometheus_yml_and_a_broken_file_keeps_the_running_config()
    {
        using var workingDirectory = new TempDirectory("sm-host-");
        var config = workingDirectory.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, "scrape_configs:\n  - job_name: before\n    static_configs:\n      - targets: ['127.0.0.1:1']\n");
        var port = FreePort.Get();

        // Under nohup, as servers are often started: SIGHUP arrives ignored, and the server takes it
        // over as Prometheus does (.NET alone would keep it ignored and never reload).
        using var app = ExternalProcess.Start(
            "monitoring-host",
            "nohup",
            [Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Path.Combine(AppContext.BaseDirectory, "Serverless.Monitoring.Functions.dll")],
            workingDirectory.Path,
            new Dictionary<string, string?> { ["Web__ListenAddress"] = $"127.0.0.1:{port}", ["ASPNETCORE_URLS"] = null, ["ASPNETCORE_HTTP_PORTS"] = null });
        await app.WaitForHttpAsync(new Uri($"http://127.0.0.1:{port}/-/ready"), StartTimeout);
        using var client = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(5));
        var targets = new Uri($"http://127.0.0.1:{port}/api/v1/targets");
        Assert.Contains("\"scrapePool\":\"before\"", await client.GetStringAsync(targets), StringComparison.Ordinal);

        await File.WriteAllTextAsync(config, "scrape_configs:\n  - job_name: broken\n    scrape_interval: 1x\n");
        Signal(app.Id);
        var refused = DateTime.UtcNow.AddSeconds(10);
        while (!app.Output.Contains("Error reloading config", StringComparison.Ordinal) && DateTime.UtcNow < refused)
        {
            await Task.Delay(100);
        }

        Assert.Contains("Error reloading config", app.Output, StringComparison.Ordinal);
        Assert.Contains("\"scrapePool\":\"before\"", await client.GetStringAsync(targets), StringComparison.Ordinal);

        await File.WriteAllTextAsync(config, "scrape_configs:\n  - job_name: after\n    static_configs:\n      - targets: ['127.0.0.1:1']\n");
        Signal(app.Id);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string answer;
        do
        {
            await Task.Delay(200);
            answer = await client.GetStringAsync(targets);
        }
        while (!answer.Contains("\"scrapePool\":\"after\"", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        Assert.Contains("\"scrapePool\":\"after\"", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("\"scrapePool\":\"before\"", answer, StringComparison.Ordinal);

        static void Signal(int pid)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-HUP", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
            kill.WaitForExit();
            Assert.Equal(0, kill.ExitCode);
        }
    }

    /// <summary>The real executable: a usage error exits 2 at once, naming the flag, and never listens.</summary>
    [Theory]
    [InlineData(new[] { "--bogus" }, "unknown flag '--bogus'")]
    [InlineData(new[] { "--web.listen-address" }, "expected a value for flag '--web.listen-address'")]
    [InlineData(new[] { "--storage.tsdb.path", "data", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "--Storage:LocalPth=x" }, "unknown flag '--Storage:LocalPth'")]
    [InlineData(new[] { "import", "openmetrics", "x.om", "--bogus" }, "unknown flag '--bogus'")]
    public async Task Usage_errors_exit_2_naming_the_flag_and_start_nothing(string[] args, string message)
    {
        using var workingDirectory = new TempDirectory("sm-host-");
        using var app = StartHost(workingDirectory, new(), args);
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 2, app.Describe($"exited with code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "(still running)"}"));
        Assert.Contains($"stderr| Serverless.Monitoring: error: {message}", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", app.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(workingDirectory.Path));
    }

    [Fact]
    public async Task The_listen_address_given_last_after_other_flags_and_their_values_applies()
    {
        using var workingDirectory = new TempDirectory("sm-host-");
        var port = FreePort.Get();
        using var app = StartHost(workingDirectory, new() { ["Scrape__Enabled"] = "false" }, "--storage.tsdb.path", "elsewhere", "--web.enable-lifecycle", "--web.listen-address", $"127.0.0.1:{port}");
        await app.WaitForHttpAsync(new Uri($"http://127.0.0.1:{port}/-/ready"), StartTimeout);
        Assert.Contains($"Now listening on: http://127.0.0.1:{port}", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quit_with_the_lifecycle_flag_answers_like_Prometheus_and_stops_gracefully()
    {
        using var workingDirectory = new TempDirectory("sm-host-");
        var port = FreePort.Get();
        using var app = StartHost(workingDirectory, new(), "--web.enable-lifecycle", $"--web.listen-address=127.0.0.1:{port}");
        await app.WaitForHttpAsync(new Uri($"http://127.0.0.1:{port}/-/ready"), StartTimeout);

        using var client = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(5));
        using var quit = await client.PostAsync(new Uri($"http://127.0.0.1:{port}/-/quit"), null);
        Assert.Equal(System.Net.HttpStatusCode.OK, quit.StatusCode);
        Assert.Equal("Requesting termination... Goodbye!", await quit.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", quit.Content.Headers.ContentType?.ToString());

        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, app.Describe($"exited with code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "(still running)"}"));
        Assert.Contains("Application is shutting down...", app.Output, StringComparison.Ordinal);
    }

    /// <summary>Runs the built app with dotnet in <paramref name="workingDirectory"/>, without the caller's port variables.</summary>
    internal static ExternalProcess StartHost(TempDirectory workingDirectory, Dictionary<string, string?> environment, params string[] args)
    {
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS" })
        {
            environment.TryAdd(inherited, null);
        }

        return ExternalProcess.Start(
            "monitoring-host",
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Serverless.Monitoring.Functions.dll"), .. args],
            workingDirectory.Path,
            environment);
    }
}
