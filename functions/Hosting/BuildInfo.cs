using System.Reflection;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// What this build is, in the fields of Prometheus's <c>/api/v1/status/buildinfo</c>. The version
/// and revision come from the informational version (<c>0.1.0+&lt;commit&gt;</c>, the commit added by
/// the SDK's source control information); branch, user and date from assembly metadata that the
/// project sets from the git branch and the <c>BuildUser</c> and <c>BuildDate</c> MSBuild properties.
/// Missing values are <c>unknown</c>.
/// </summary>
internal sealed record BuildInfo(string Version, string Revision, string Branch, string BuildUser, string BuildDate, string RuntimeVersion)
{
    public const string Unknown = "unknown";

    public static BuildInfo Current { get; } = FromAssembly(typeof(BuildInfo).Assembly);

    public static BuildInfo FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational ?? assembly.GetName().Version?.ToString(3) ?? Unknown;
        var revision = Unknown;
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            revision = version[(plus + 1)..];
            version = version[..plus];
        }

        var metadata = assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => !string.IsNullOrWhiteSpace(a.Value))
            .GroupBy(a => a.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value!, StringComparer.Ordinal);

        return new BuildInfo(
            Version: string.IsNullOrWhiteSpace(version) ? Unknown : version,
            Revision: string.IsNullOrWhiteSpace(revision) ? Unknown : revision,
            Branch: metadata.GetValueOrDefault("BuildBranch", Unknown),
            BuildUser: metadata.GetValueOrDefault("BuildUser", Unknown),
            BuildDate: metadata.GetValueOrDefault("BuildDate", Unknown),
            RuntimeVersion: "dotnet" + Environment.Version);
    }
}
