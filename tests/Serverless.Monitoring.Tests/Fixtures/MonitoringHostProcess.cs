using System.Globalization;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// The real app (the built Serverless.Monitoring.Functions.dll) as a separate process on a free
/// loopback port, in a working directory of the caller's, without the caller's port variables;
/// ready when <c>/-/ready</c> answers 200. Dispose kills it by PID.
/// </summary>
public sealed class MonitoringHostProcess : IDisposable
{
    private MonitoringHostProcess(ExternalProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    public ExternalProcess Process { get; }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:port/</c></summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>
    /// Starts the app with <paramref name="args"/> (e.g. <c>--storage.tsdb.path=…</c>) and
    /// <paramref name="environment"/>; <paramref name="app"/> is another build's dll (default: the one beside the tests).
    /// </summary>
    public static async Task<MonitoringHostProcess> StartAsync(
        string workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        IEnumerable<string> args,
        TimeSpan? timeout = null,
        string? app = null,
        CancellationToken cancellationToken = default)
    {
        var port = FreePort.Get();
        var env = new Dictionary<string, string?>(environment);
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS" })
        {
            env.TryAdd(inherited, null);
        }

        var process = ExternalProcess.Start(
            "monitoring-host",
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [app ?? Path.Combine(AppContext.BaseDirectory, "Serverless.Monitoring.Functions.dll"), $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", .. args],
            workingDirectory,
            env);
        var host = new MonitoringHostProcess(process, port);
        try
        {
            await process.WaitForHttpAsync(new Uri(host.BaseUri, "-/ready"), timeout ?? TimeSpan.FromSeconds(30), cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public void Dispose() => Process.Dispose();
}
