namespace Serverless.Monitoring.Core.Config;

/// <summary><c>remote_write[].queue_config</c> with upstream's defaults.</summary>
public sealed record QueueConfig
{
    public static QueueConfig Default { get; } = new();

    public int Capacity { get; init; } = 10000;

    public int MaxShards { get; init; } = 50;

    public int MinShards { get; init; } = 1;

    public int MaxSamplesPerSend { get; init; } = 2000;

    public TimeSpan BatchSendDeadline { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(30);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    public bool RetryOnHttp429 { get; init; }

    public TimeSpan SampleAgeLimit { get; init; }
}
