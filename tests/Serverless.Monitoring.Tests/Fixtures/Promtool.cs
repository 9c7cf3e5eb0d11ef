using System.ComponentModel;
using System.Diagnostics;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// Runs Debian's <c>promtool</c> (from the <c>prometheus</c> package) to completion, e.g.
/// <c>promtool check metrics</c> on an exposition given on stdin.
/// </summary>
public static class Promtool
{
    private const string InstallHint = "./test.sh (as root), or: apt-get install prometheus";

    public static string FindBinary() => ToolLocator.Find("promtool", InstallHint);

    /// <summary>
    /// Runs promtool with <paramref name="arguments"/>, writes <paramref name="standardInput"/>
    /// (if any) to its stdin and closes it, and returns its exit code and output. A run longer
    /// than <paramref name="timeout"/> (default 60 s) is killed and throws <see cref="TimeoutException"/>.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        IEnumerable<string> arguments,
        string? standardInput = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var startInfo = new ProcessStartInfo(FindBinary())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"cannot start {startInfo.FileName}: {e.Message}", e);
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
            var stderr = process.StandardError.ReadToEndAsync(limit.Token);
            try
            {
                if (standardInput is not null)
                {
                    await process.StandardInput.WriteAsync(standardInput.AsMemory(), limit.Token);
                }
            }
            catch (IOException)
            {
                // promtool stopped reading (e.g. it failed early); its exit code tells why.
            }
            finally
            {
                process.StandardInput.Close();
            }

            await process.WaitForExitAsync(limit.Token);
            return new ProcessResult(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"promtool {string.Join(' ', startInfo.ArgumentList)} did not finish within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds:0.#} s");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary><c>promtool check metrics</c> on <paramref name="exposition"/> (text format on stdin).</summary>
    public static Task<ProcessResult> CheckMetricsAsync(string exposition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        return RunAsync(["check", "metrics"], exposition, cancellationToken: cancellationToken);
    }

    /// <summary><c>promtool check config</c> on a <c>prometheus.yml</c>.</summary>
    public static Task<ProcessResult> CheckConfigAsync(string configPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        return RunAsync(["check", "config", configPath], cancellationToken: cancellationToken);
    }
}
