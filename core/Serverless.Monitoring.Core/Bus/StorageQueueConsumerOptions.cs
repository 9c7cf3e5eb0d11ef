namespace Serverless.Monitoring.Core.Bus;

/// <summary>How <see cref="StorageQueueConsumer"/> polls its queue.</summary>
public sealed record StorageQueueConsumerOptions
{
    /// <summary>Messages per receive (1 to 32, the service's maximum).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>How long received messages stay hidden; unacknowledged ones come back after it.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The wait after an empty receive; it doubles while the queue stays empty, up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(10);
}
