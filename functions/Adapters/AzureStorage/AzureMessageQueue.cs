using System.Globalization;
using System.Security;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// One Azure Storage queue over the REST API. Bodies travel as base64 text, the Functions
/// queue trigger's default encoding, so messages sent here can trigger functions directly.
/// A message received more than <see cref="QueueOptions.MaxDeliveryCount"/> times is copied
/// to "&lt;name&gt;-poison" and deleted instead of being returned, as the trigger does.
/// </summary>
public sealed class AzureMessageQueue : IMessageQueue
{
    /// <summary>49,152 bytes encode to exactly 64 KiB of base64, the service's message limit.</summary>
    public const int MaxBodyBytes = 49152;

    private const int MaxVisibilitySeconds = 7 * 24 * 3600;

    private readonly StorageServiceClient _client;
    private readonly QueueOptions _options;
    private readonly string _path;
    private readonly string _poisonName;
    private volatile bool _poisonQueueExists;

    internal AzureMessageQueue(StorageServiceClient client, string queue, QueueOptions? options)
    {
        _client = client;
        QueueName = StorageNaming.CheckQueue(queue);
        _options = options ?? new QueueOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxDeliveryCount, 1, nameof(options));
        _poisonName = queue + StorageNaming.PoisonQueueSuffix;
        _path = "/" + queue;
    }

    public string QueueName { get; }

    public int MaxMessageBytes => MaxBodyBytes;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) =>
        CreateQueueAsync(_path, QueueName, cancellationToken);

    public async Task<string> SendAsync(ReadOnlyMemory<byte> body, TimeSpan? initialDelay = null, CancellationToken cancellationToken = default)
    {
        if (body.Length > MaxBodyBytes)
        {
            throw new StorageRequestException(
                $"Send to queue '{QueueName}' failed: the message has {body.Length} bytes, more than the {MaxBodyBytes} a queue message can carry.",
                "MessageTooLarge");
        }

        var delay = 0;
        if (initialDelay is { } d)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, TimeSpan.Zero, nameof(initialDelay));
            delay = Seconds(d, min: 0);
        }

        var id = await PutMessageAsync(_path, QueueName, Convert.ToBase64String(body.Span), delay, cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibilityTimeout, TimeSpan.Zero);

        using var message = _client.CreateMessage(RequestMethod.Get, _path + "/messages",
            ("numofmessages", maxMessages.ToString(CultureInfo.InvariantCulture)),
            ("visibilitytimeout", Seconds(visibilityTimeout, min: 1).ToString(CultureInfo.InvariantCulture)));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageErrors.FromResponse(response, $"Receive from queue '{QueueName}'");
        }

        var received = new List<QueueMessage>();
        foreach (var element in ParseMessages(response.Content.ToStream()))
        {
            var id = element.Element("MessageId")?.Value ?? string.Empty;
            var popReceipt = element.Element("PopReceipt")?.Value ?? string.Empty;
            var text = element.Element("MessageText")?.Value ?? string.Empty;
            var dequeueCount = int.Parse(element.Element("DequeueCount")?.Value ?? "1", CultureInfo.InvariantCulture);
            if (dequeueCount > _options.MaxDeliveryCount)
            {
                await MoveToPoisonAsync(id, popReceipt, text, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var inserted = DateTimeOffset.TryParse(element.Element("InsertionTime")?.Value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var time) ? time : DateTimeOffset.UtcNow;
            received.Add(new QueueMessage(id, popReceipt, DecodeBody(text), dequeueCount, inserted));
        }

        return received;
    }

    public async Task<bool> AckAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return await DeleteMessageAsync(_path, QueueName, message.Id, message.PopReceipt, cancellationToken).ConfigureAwait(false);
    }

    private async Task MoveToPoisonAsync(string id, string popReceipt, string text, CancellationToken cancellationToken)
    {
        var poisonPath = "/" + _poisonName;
        if (!_poisonQueueExists)
        {
            await CreateQueueAsync(poisonPath, _poisonName, cancellationToken).ConfigureAwait(false);
            _poisonQueueExists = true;
        }

        // Copy first, then delete: a crash in between duplicates the message in the poison queue
        // rather than losing it. The text is copied as is, so the poison queue keeps the encoding.
        await PutMessageAsync(poisonPath, _poisonName, text, 0, cancellationToken).ConfigureAwait(false);
        await DeleteMessageAsync(_path, QueueName, id, popReceipt, cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateQueueAsync(string path, string name, CancellationToken cancellationToken)
    {
        using var message = _client.CreateMessage(RequestMethod.Put, path);
        message.Request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status is 201 or 204 || (response.Status == 409 && ErrorCode(response) == "QueueAlreadyExists"))
        {
            return;
        }

        throw StorageErrors.FromResponse(response, $"Create queue '{name}'");
    }

    private async Task<string> PutMessageAsync(string path, string name, string text, int delaySeconds, CancellationToken cancellationToken)
    {
        // messagettl=-1: never expire. Queues here carry data that must not vanish after 7 days.
        using var message = _client.CreateMessage(RequestMethod.Post, path + "/messages",
            ("visibilitytimeout", delaySeconds > 0 ? delaySeconds.ToString(CultureInfo.InvariantCulture) : null),
            ("messagettl", "-1"));
        message.Request.Headers.SetValue("Content-Type", "application/xml");
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessage><MessageText>" + SecurityElement.Escape(text) + "</MessageText></QueueMessage>"));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 201)
        {
            throw StorageErrors.FromResponse(response, $"Send to queue '{name}'");
        }

        return ParseMessages(response.Content.ToStream()).FirstOrDefault()?.Element("MessageId")?.Value ?? string.Empty;
    }

    private async Task<bool> DeleteMessageAsync(string path, string name, string id, string popReceipt, CancellationToken cancellationToken)
    {
        using var message = _client.CreateMessage(RequestMethod.Delete, path + "/messages/" + Uri.EscapeDataString(id), ("popreceipt", popReceipt));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            204 => true,
            // Gone, or received again by someone else since (a stale pop receipt).
            404 => false,
            400 when ErrorCode(response) is "PopReceiptMismatch" or "InvalidQueryParameterValue" => false,
            _ => throw StorageErrors.FromResponse(response, $"Delete message {id} from queue '{name}'"),
        };
    }

    private static List<XElement> ParseMessages(Stream xml)
    {
        using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        return XDocument.Load(reader).Root?.Elements("QueueMessage").ToList() ?? [];
    }

    // Messages not written by this adapter may be plain text; hand their UTF-8 bytes over rather than fail.
    private static ReadOnlyMemory<byte> DecodeBody(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer.AsMemory(0, written) : Encoding.UTF8.GetBytes(text);
    }

    private static int Seconds(TimeSpan value, int min) =>
        (int)Math.Clamp(Math.Ceiling(value.TotalSeconds), min, MaxVisibilitySeconds);

    private static string? ErrorCode(Response response) =>
        response.Headers.TryGetValue("x-ms-error-code", out var code) ? code : null;
}
