using System.Globalization;
using System.Runtime.InteropServices;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// <c>--version</c> in the shape Prometheus prints (<c>prometheus, version 2.42.0 (branch: …, revision: …)</c>
/// and indented build lines), so scripts that read one read the other.
/// </summary>
internal static class VersionText
{
    public static string Format(BuildInfo build)
    {
        ArgumentNullException.ThrowIfNull(build);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        text.WriteLine($"{MonitoringHost.ProductName}, version {build.Version} (branch: {build.Branch}, revision: {build.Revision})");
        text.WriteLine($"  {"build user:",-18}{build.BuildUser}");
        text.WriteLine($"  {"build date:",-18}{build.BuildDate}");
        text.WriteLine($"  {".NET version:",-18}{build.RuntimeVersion}");
        text.WriteLine($"  {"platform:",-18}{Platform()}");
        return text.ToString();
    }

    /// <summary>Go's <c>GOOS/GOARCH</c> names (<c>linux/amd64</c>), as Prometheus prints them.</summary>
    public static string Platform()
    {
        var os = OperatingSystem.IsLinux() ? "linux"
            : OperatingSystem.IsWindows() ? "windows"
            : OperatingSystem.IsMacOS() ? "darwin"
            : OperatingSystem.IsFreeBSD() ? "freebsd"
            : RuntimeInformation.RuntimeIdentifier.Split('-')[0];
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.X86 => "386",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        return $"{os}/{arch}";
    }
}
