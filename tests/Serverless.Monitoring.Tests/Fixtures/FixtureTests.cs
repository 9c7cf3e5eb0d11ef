using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>Whether a PID still names a live process (a zombie counts as gone).</summary>
internal static class Pid
{
    public static async Task<bool> IsGoneAsync(int pid)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (IsGoneNow(pid))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static bool IsGoneNow(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) S ...": the state follows the last ')'.
        var state = stat[(stat.LastIndexOf(')') + 2)..].TrimStart();
        return state.StartsWith('Z') || state.StartsWith('X');
    }
}

public sealed class FreePortTests
{
    [Fact]
    public void Gives_distinct_bindable_loopback_ports()
    {
        var ports = FreePort.Get(5);

        Assert.Equal(5, ports.Distinct().Count());
        foreach (var port in ports)
        {
            Assert.InRange(port, 1, 65535);
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
    }
}

public sealed class ExternalProcessTests
{
    [Fact]
    public async Task A_process_that_exits_early_fails_the_wait_with_its_output()
    {
        using var process = ExternalProcess.Start(
            "early-exit", "/bin/sh", ["-c", "echo starting up; echo something broke >&2; exit 3"]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => process.WaitForTcpAsync([FreePort.Get()], TimeSpan.FromSeconds(20)));

        Assert.Contains("exited with code 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("starting up", error.Message, StringComparison.Ordinal);
        Assert.Contains("stderr| something broke", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_process_that_never_listens_times_out_with_its_output()
    {
        using var process = ExternalProcess.Start("sleeper", "/bin/sh", ["-c", "echo waiting; exec sleep 300"]);

        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => process.WaitForTcpAsync([FreePort.Get()], TimeSpan.FromMilliseconds(500)));

        Assert.Contains("was not ready within", error.Message, StringComparison.Ordinal);
        Assert.Contains("waiting", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_kills_the_whole_process_tree()
    {
        var process = ExternalProcess.Start("tree", "/bin/sh", ["-c", "sleep 300 & echo child $!; wait"]);
        int child = 0;
        await process.WaitUntilReadyAsync(
            "the child's pid is printed",
            _ =>
            {
                var line = process.Output.Split('\n').FirstOrDefault(l => l.StartsWith("child ", StringComparison.Ordinal));
                return Task.FromResult(line is not null && int.TryParse(line.AsSpan(6), out child));
            },
            TimeSpan.FromSeconds(20));
        var parent = process.Id;

        await process.DisposeAsync();

        Assert.True(await Pid.IsGoneAsync(parent), $"pid {parent} still runs");
        Assert.True(await Pid.IsGoneAsync(child), $"child pid {child} still runs");
    }
}

public sealed class ToolLocatorTests
{
    [Fact]
    public void A_missing_tool_fails_with_the_install_command()
    {
        var error = Assert.Throws<MissingToolException>(
            () => ToolLocator.Find("sm-no-such-tool", "apt-get install sm-no-such-tool"));

        Assert.Contains("sm-no-such-tool is not installed", error.Message, StringComparison.Ordinal);
        Assert.Contains("Install it with: apt-get install sm-no-such-tool", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_repository_root_holds_the_solution()
    {
        Assert.True(File.Exists(Path.Combine(ToolLocator.RepositoryRoot, "Serverless.Monitoring.sln")));
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteFixtureTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Blob_port_answers_http()
    {
        using var http = LoopbackHttp.CreateClient();

        using var response = await http.GetAsync(new Uri(azurite.BlobEndpoint, "?comp=list"));

        // Unauthenticated, so 403 is expected; any HTTP answer shows Azurite is serving.
        Assert.True((int)response.StatusCode >= 200, $"HTTP {(int)response.StatusCode}");
        Assert.Contains(response.Headers, h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Queue_and_table_ports_accept_connections()
    {
        foreach (var port in new[] { azurite.QueuePort, azurite.TablePort })
        {
            using var client = new TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            Assert.True(client.Connected);
        }
    }

    [Fact]
    public void Connection_string_names_the_three_loopback_endpoints()
    {
        var parts = azurite.ConnectionString
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

        Assert.Equal("http", parts["DefaultEndpointsProtocol"]);
        Assert.Equal("devstoreaccount1", parts["AccountName"]);
        Assert.Equal(AzuriteFixture.DevelopmentAccountKey, parts["AccountKey"]);
        Assert.Equal($"http://127.0.0.1:{azurite.BlobPort}/devstoreaccount1", parts["BlobEndpoint"]);
        Assert.Equal($"http://127.0.0.1:{azurite.QueuePort}/devstoreaccount1", parts["QueueEndpoint"]);
        Assert.Equal($"http://127.0.0.1:{azurite.TablePort}/devstoreaccount1", parts["TableEndpoint"]);
    }
}

public sealed class PrometheusFixtureTests(PrometheusFixture prometheus) : IClassFixture<PrometheusFixture>
{
    [Fact]
    public async Task Ready_endpoint_answers_200()
    {
        using var http = LoopbackHttp.CreateClient();

        using var response = await http.GetAsync(prometheus.GetUri("-/ready"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Build_info_says_version_2()
    {
        using var http = LoopbackHttp.CreateClient();

        var body = await http.GetStringAsync(prometheus.GetUri("api/v1/status/buildinfo"));

        using var json = JsonDocument.Parse(body);
        Assert.Equal("success", json.RootElement.GetProperty("status").GetString());
        var version = json.RootElement.GetProperty("data").GetProperty("version").GetString();
        Assert.StartsWith("2.", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generated_config_passes_promtool_check_config()
    {
        var result = await Promtool.CheckConfigAsync(prometheus.ConfigPath);

        Assert.True(result.Succeeded, result.ToString());
        Assert.True(Directory.Exists(prometheus.DataPath), prometheus.DataPath);
    }
}

public sealed class NodeExporterFixtureTests(NodeExporterFixture nodeExporter) : IClassFixture<NodeExporterFixture>
{
    [Fact]
    public async Task Metrics_include_node_cpu_seconds_total()
    {
        using var http = LoopbackHttp.CreateClient();

        var body = await http.GetStringAsync(nodeExporter.MetricsUri);

        Assert.Contains("node_cpu_seconds_total", body, StringComparison.Ordinal);
    }
}

public sealed class PromtoolTests
{
    [Fact]
    public async Task Check_metrics_accepts_a_valid_exposition()
    {
        const string exposition =
            "# HELP http_requests_total The total number of HTTP requests.\n" +
            "# TYPE http_requests_total counter\n" +
            "http_requests_total{method=\"post\",code=\"200\"} 1027\n" +
            "http_requests_total{method=\"post\",code=\"400\"} 3\n";

        var result = await Promtool.CheckMetricsAsync(exposition);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Check_metrics_rejects_a_broken_exposition()
    {
        const string exposition =
            "# TYPE http_requests_total counter\n" +
            "http_requests_total{method=\"post\" 1027\n";

        var result = await Promtool.CheckMetricsAsync(exposition);

        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.False(string.IsNullOrWhiteSpace(result.StandardError + result.StandardOutput));
    }
}

/// <summary>Every fixture kills its process on dispose and removes its temporary files.</summary>
public sealed class FixtureDisposalTests
{
    [Fact]
    public async Task Azurite_is_gone_after_dispose()
    {
        var azurite = await AzuriteFixture.StartAsync();
        var pid = azurite.Process.Id;
        var location = azurite.Location;

        await azurite.DisposeAsync();

        Assert.True(await Pid.IsGoneAsync(pid), $"azurite pid {pid} still runs");
        Assert.False(Directory.Exists(location), location);
    }

    [Fact]
    public async Task Prometheus_is_gone_after_dispose()
    {
        var options = new PrometheusOptions();
        options.Files["rules/empty.yml"] = "groups: []\n";
        var prometheus = await PrometheusFixture.StartAsync(options);
        var pid = prometheus.Process.Id;
        var directory = prometheus.WorkingDirectory;
        Assert.True(File.Exists(Path.Combine(directory, "rules", "empty.yml")));

        await prometheus.DisposeAsync();

        Assert.True(await Pid.IsGoneAsync(pid), $"prometheus pid {pid} still runs");
        Assert.False(Directory.Exists(directory), directory);
    }

    [Fact]
    public async Task Node_exporter_is_gone_after_dispose()
    {
        var nodeExporter = await NodeExporterFixture.StartAsync();
        var pid = nodeExporter.Process.Id;

        await nodeExporter.DisposeAsync();

        Assert.True(await Pid.IsGoneAsync(pid), $"node_exporter pid {pid} still runs");
    }
}
