using System.Diagnostics;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Config;

/// <summary>Runs Debian's <c>amtool</c> (Alertmanager 0.25) to completion, offline (config files only).</summary>
internal static class Amtool
{
    private const string InstallHint = "./test.sh (as root), or: apt-get install prometheus-alertmanager";

    public static async Task<ProcessResult> RunAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(ToolLocator.Find("amtool", InstallHint))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
            var stderr = process.StandardError.ReadToEndAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token);
            return new ProcessResult(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>A config whose only sub-route holds <paramref name="matcher"/> in <c>matchers</c>.</summary>
    public static string ConfigWithMatcher(string matcher) =>
        $"route:\n  receiver: r\n  routes:\n  - receiver: r\n    matchers: ['{matcher.Replace("'", "''", StringComparison.Ordinal)}']\nreceivers:\n- name: r\n";
}
