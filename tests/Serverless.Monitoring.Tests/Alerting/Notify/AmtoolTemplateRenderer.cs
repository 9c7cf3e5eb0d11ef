using System.Diagnostics;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Notify;

/// <summary>
/// Debian's <c>amtool template render</c> (0.25) as an oracle for notification templates: renders a
/// text against a <c>template.Data</c> JSON file with Debian's copy of Alertmanager's default.tmpl
/// (Debian's amtool does not embed it).
/// </summary>
internal static class AmtoolTemplateRenderer
{
    private const string InstallHint = "./test.sh (as root), or: apt-get install prometheus-alertmanager";
    private const string DebianDefaultTemplate = "/usr/share/prometheus/alertmanager/default.tmpl";

    public static async Task<(bool Ok, string Output)> RenderAsync(string dataFile, string text, string extraTemplate, CancellationToken cancellationToken = default)
    {
        var amtool = ToolLocator.Find("amtool", InstallHint);
        if (!File.Exists(DebianDefaultTemplate))
        {
            throw new MissingToolException($"{DebianDefaultTemplate} (Alertmanager's default templates) is missing; install it with: {InstallHint}");
        }

        var startInfo = new ProcessStartInfo(amtool)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "template", "render", $"--template.glob={DebianDefaultTemplate}", $"--template.glob={extraTemplate}", $"--template.data={dataFile}", $"--template.text={text}" })
        {
            startInfo.ArgumentList.Add(a);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("amtool did not start");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
            var stderr = process.StandardError.ReadToEndAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token);
            return process.ExitCode == 0 ? (true, await stdout) : (false, (await stderr).TrimEnd('\n'));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
