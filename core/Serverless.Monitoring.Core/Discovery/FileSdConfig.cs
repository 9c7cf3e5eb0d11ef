namespace Serverless.Monitoring.Core.Discovery;

/// <summary>
/// <c>file_sd_configs</c>: target groups read from JSON or YAML files. <see cref="Files"/> are
/// resolved against the configuration file's directory; a <c>*</c> may appear in the last path
/// element. Re-read when the files change and every <see cref="RefreshInterval"/> (default 5m).
/// </summary>
public sealed record FileSdConfig
{
    public static TimeSpan DefaultRefreshInterval { get; } = TimeSpan.FromMinutes(5);

    public IReadOnlyList<string> Files { get; init; } = [];

    public TimeSpan RefreshInterval { get; init; } = DefaultRefreshInterval;
}
