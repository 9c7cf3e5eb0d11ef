namespace Serverless.Monitoring.Core.Ports;

/// <summary>
/// An at-least-once queue of small binary messages. A received message is hidden for the
/// visibility timeout and comes back unless acknowledged. A message delivered more than
/// <see cref="QueueOptions.MaxDeliveryCount"/> times is moved to the poison queue
/// (<c>&lt;name&gt;-poison</c>) instead of being delivered again, as the Functions queue trigger does.
/// </summary>
public interface IMessageQueue
{
    string QueueName { get; }

    /// <summary>The largest body <see cref="SendAsync"/> accepts, in bytes.</summary>
    int MaxMessageBytes { get; }

    Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>Enqueues a message, visible after <paramref name="initialDelay"/>. Returns its ID.</summary>
    /// <exception cref="StorageRequestException">The body is larger than <see cref="MaxMessageBytes"/>.</exception>
    Task<string> SendAsync(ReadOnlyMemory<byte> body, TimeSpan? initialDelay = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives up to <paramref name="maxMessages"/> (1 to 32) visible messages and hides them for
    /// <paramref name="visibilityTimeout"/>. Messages over the delivery limit go to the poison queue
    /// and are not returned.
    /// </summary>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a received message. Returns false when the message is gone or its receipt is stale
    /// (it became visible again and someone else received it).
    /// </summary>
    Task<bool> AckAsync(QueueMessage message, CancellationToken cancellationToken = default);
}

/// <param name="DequeueCount">How many times the message has been delivered, this delivery included.</param>
public sealed record QueueMessage(string Id, string PopReceipt, ReadOnlyMemory<byte> Body, int DequeueCount, DateTimeOffset InsertedOn);

public sealed record QueueOptions
{
    /// <summary>Deliveries before a message is moved to the poison queue (the Functions default, 5).</summary>
    public int MaxDeliveryCount { get; init; } = 5;
}
