namespace Serverless.Monitoring.Core.Config;

/// <summary><c>remote_write[].metadata_config</c> with upstream's defaults.</summary>
public sealed record MetadataConfig
{
    public static MetadataConfig Default { get; } = new();

    public bool Send { get; init; } = true;

    public TimeSpan SendInterval { get; init; } = TimeSpan.FromMinutes(1);

    public int MaxSamplesPerSend { get; init; } = 2000;
}
