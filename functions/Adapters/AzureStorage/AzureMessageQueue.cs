using System.Text;
using Azure;
using Azure.Storage.Queues;
using Serverless.Monitoring.Core.Ports;
using QueueMessage = Serverless.Monitoring.Core.Ports.QueueMessage;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// One Azure Storage queue on Azure.Storage.Queues. A body travels as the base64 text of its
/// bytes, written here and passed through by the SDK (message encoding None), so the message
/// text is the same as ever: the Functions queue trigger (<c>messageEncoding: none</c>) and
/// messages already queued read as before. A message received more than
/// <see cref="QueueOptions.MaxDeliveryCount"/> times is copied to "&lt;name&gt;-poison" and
/// deleted instead of being returned, as the trigger does.
/// </summary>
public sealed class AzureMessageQueue : IMessageQueue
{
    /// <summary>49,152 bytes encode to exactly 64 KiB of base64, the service's message limit.</summary>
    public const int MaxBodyBytes = 49152;

    private const int MaxVisibilitySeconds = 7 * 24 * 3600;

    // Queues here carry data that must not vanish after the default 7 days.
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly QueueOptions _options;
    private readonly StorageErrors _errors;
    private volatile bool _poisonQueueExists;

    internal AzureMessageQueue(QueueServiceClient service, string queue, QueueOptions? options, StorageErrors errors)
    {
        QueueName = StorageNaming.CheckQueue(queue);
        _options = options ?? new QueueOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxDeliveryCount, 1, nameof(options));
        _queue = service.GetQueueClient(queue);
        _poison = service.GetQueueClient(queue + StorageNaming.PoisonQueueSuffix);
        _errors = errors;
    }

    public string QueueName { get; }

    public int MaxMessageBytes => MaxBodyBytes;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => CreateAsync(_queue, cancellationToken);

    public async Task<string> SendAsync(ReadOnlyMemory<byte> body, TimeSpan? initialDelay = null, CancellationToken cancellationToken = default)
    {
        if (body.Length > MaxBodyBytes)
        {
            throw new StorageRequestException(
                $"Send to queue '{QueueName}' failed: the message has {body.Length} bytes, more than the {MaxBodyBytes} a queue message can carry.",
                "MessageTooLarge");
        }

        TimeSpan? delay = null;
        if (initialDelay is { } d)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, TimeSpan.Zero, nameof(initialDelay));
            delay = Seconds(d, min: 0) is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null;
        }

        return await SendTextAsync(_queue, Convert.ToBase64String(body.Span), delay, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibilityTimeout, TimeSpan.Zero);

        Azure.Storage.Queues.Models.QueueMessage[] messages;
        try
        {
            messages = (await _queue.ReceiveMessagesAsync(maxMessages, TimeSpan.FromSeconds(Seconds(visibilityTimeout, min: 1)), cancellationToken)
                .ConfigureAwait(false)).Value;
        }
        catch (Exception ex) when (_errors.Map(ex, $"Receive from queue '{QueueName}'", cancellationToken) is { } mapped)
        {
            throw mapped;
        }

        var received = new List<QueueMessage>(messages.Length);
        foreach (var message in messages)
        {
            var text = message.Body.ToString();
            if (message.DequeueCount > _options.MaxDeliveryCount)
            {
                await MoveToPoisonAsync(message.MessageId, message.PopReceipt, text, cancellationToken).ConfigureAwait(false);
                continue;
            }

            received.Add(new QueueMessage(message.MessageId, message.PopReceipt, DecodeBody(text), (int)message.DequeueCount,
                message.InsertedOn ?? DateTimeOffset.UtcNow));
        }

        return received;
    }

    public Task<bool> AckAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return DeleteAsync(message.Id, message.PopReceipt, cancellationToken);
    }

    private async Task MoveToPoisonAsync(string id, string popReceipt, string text, CancellationToken cancellationToken)
    {
        if (!_poisonQueueExists)
        {
            await CreateAsync(_poison, cancellationToken).ConfigureAwait(false);
            _poisonQueueExists = true;
        }

        // Copy first, then delete: a crash in between duplicates the message in the poison queue
        // rather than losing it. The text is copied as is, so the poison queue keeps the encoding.
        await SendTextAsync(_poison, text, delay: null, cancellationToken).ConfigureAwait(false);
        await DeleteAsync(id, popReceipt, cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        try
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_errors.Map(ex, $"Create queue '{queue.Name}'", cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    private async Task<string> SendTextAsync(QueueClient queue, string text, TimeSpan? delay, CancellationToken cancellationToken)
    {
        try
        {
            return (await queue.SendMessageAsync(text, delay, NeverExpires, cancellationToken).ConfigureAwait(false)).Value.MessageId;
        }
        catch (Exception ex) when (_errors.Map(ex, $"Send to queue '{queue.Name}'", cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    private async Task<bool> DeleteAsync(string id, string popReceipt, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.DeleteMessageAsync(id, popReceipt, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 || (ex.Status == 400 && ex.ErrorCode is "PopReceiptMismatch" or "InvalidQueryParameterValue"))
        {
            return false; // Gone, or received again by someone else since (a stale pop receipt).
        }
        catch (Exception ex) when (_errors.Map(ex, $"Delete message {id} from queue '{QueueName}'", cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    // Messages not written by this adapter may be plain text; hand their UTF-8 bytes over rather than fail.
    private static ReadOnlyMemory<byte> DecodeBody(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer.AsMemory(0, written) : Encoding.UTF8.GetBytes(text);
    }

    private static int Seconds(TimeSpan value, int min) =>
        (int)Math.Clamp(Math.Ceiling(value.TotalSeconds), min, MaxVisibilitySeconds);
}
