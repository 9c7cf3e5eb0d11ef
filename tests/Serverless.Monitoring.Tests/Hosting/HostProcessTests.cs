using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serverless.Monitoring.Tests.Hosting;

/// <summary>Starts the real app (the built Serverless.Monitoring.Functions.dll) as a separate process.</summary>
public class HostProcessTests
{
    [Fact]
    public async Task Listens_on_loopback_at_FUNCTIONS_CUSTOMHANDLER_PORT_within_seconds()
    {
        var port = FreeLoopbackPort();
        using var app = HostProcess.Start(new() { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var started = Stopwatch.StartNew();

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var healthy = await app.PollAsync(client, new Uri($"http://127.0.0.1:{port}/-/healthy"), TimeSpan.FromSeconds(20));
        Assert.True(healthy, $"no answer on 127.0.0.1:{port} after {started.Elapsed}:\n{app.Output}");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20));

        var buildinfo = await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/v1/status/buildinfo"));
        Assert.StartsWith("{\"status\":\"success\",\"data\":{\"version\":\"0.1.0\"", buildinfo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Web_listen_address_flag_is_accepted()
    {
        var port = FreeLoopbackPort();
        using var app = HostProcess.Start([], $"--web.listen-address=127.0.0.1:{port}");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        Assert.True(
            await app.PollAsync(client, new Uri($"http://127.0.0.1:{port}/-/ready"), TimeSpan.FromSeconds(20)),
            $"no answer on 127.0.0.1:{port}:\n{app.Output}");
    }

    [Theory]
    [InlineData("Storage__Provider", "Bogus", "Storage:Provider is 'Bogus'; it must be one of: LocalDisk, AzureStorage")]
    [InlineData("Storage__Provider", "AzureStorage", "the connection 'MonitoringStorage' is not configured")]
    [InlineData("FUNCTIONS_CUSTOMHANDLER_PORT", "x", "FUNCTIONS_CUSTOMHANDLER_PORT must be a port number")]
    public async Task Configuration_errors_exit_1_with_a_clear_message(string variable, string value, string message)
    {
        using var app = HostProcess.Start(new() { [variable] = value, ["Web__ListenAddress"] = "127.0.0.1:0" });
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{app.Output}");
        Assert.Contains(message, app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The app under test, in its own working directory; killed on dispose.</summary>
    private sealed class HostProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly string _workingDirectory;

        private HostProcess(Process process, string workingDirectory)
        {
            _process = process;
            _workingDirectory = workingDirectory;
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static HostProcess Start(Dictionary<string, string> environment, params string[] args)
        {
            var workingDirectory = Directory.CreateTempSubdirectory("sm-host-").FullName;
            var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Serverless.Monitoring.Functions.dll"));
            foreach (var arg in args)
            {
                startInfo.ArgumentList.Add(arg);
            }

            foreach (var name in new[] { "FUNCTIONS_CUSTOMHANDLER_PORT", "FUNCTIONS_HTTPWORKER_PORT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS" })
            {
                startInfo.Environment.Remove(name);
            }

            foreach (var (name, value) in environment)
            {
                startInfo.Environment[name] = value;
            }

            var process = new Process { StartInfo = startInfo };
            var host = new HostProcess(process, workingDirectory);
            process.OutputDataReceived += (_, e) => host.Append(e.Data);
            process.ErrorDataReceived += (_, e) => host.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return host;
        }

        public async Task<bool> PollAsync(HttpClient client, Uri uri, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < timeout && !_process.HasExited)
            {
                try
                {
                    using var response = await client.GetAsync(uri);
                    if (response.IsSuccessStatusCode)
                    {
                        return true;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(50);
            }

            return false;
        }

        public async Task<int?> WaitForExitAsync(TimeSpan timeout)
        {
            using var limit = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(limit.Token);
                return _process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
            try
            {
                Directory.Delete(_workingDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
