using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.Monitoring.Core.Bus;

namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>
/// The sample bus over Event Hubs through its REST send API
/// (<c>POST {namespace}/{hub}/messages?timeout=60&amp;api-version=2014-01</c>), because the
/// Functions output binding cannot set a partition key from a custom handler. Every message of
/// one publication carries the target's partition key (<c>BrokerProperties</c>), so one
/// target's samples stay on one partition. Authorizes with SAS or an Entra ID token; retries
/// 429, 503 and the other transient failures with backoff through Azure.Core's pipeline.
/// </summary>
public sealed class EventHubsSampleTransport : ISampleTransport
{
    /// <summary>The API version the REST send API is documented with.</summary>
    public const string ApiVersion = "2014-01";

    /// <summary>The content type of a batch body.</summary>
    public const string BatchContentType = "application/vnd.microsoft.servicebus.json";

    /// <summary>The content type of a single event's raw body.</summary>
    public const string EventContentType = "application/octet-stream";

    /// <summary>Scope of Entra ID tokens for Event Hubs.</summary>
    public const string EventHubsScope = "https://eventhubs.azure.net/.default";

    /// <summary>Event Hubs' longest partition key; longer keys are replaced by a hash of them.</summary>
    public const int MaxPartitionKeyLength = 128;

    // Kept free in each publication for the service's own properties and the JSON around bodies.
    private const int EnvelopeReserve = 1024;

    private readonly HttpPipeline _pipeline;
    private readonly EventHubsSampleTransportOptions _options;
    private readonly Uri _sendUri;
    private readonly int _publicationBudget;

    public EventHubsSampleTransport(EventHubsConnection connection, EventHubsSampleTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _options = options ?? new EventHubsSampleTransportOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxPublicationBytes, 16 * 1024, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxRetries, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentSends, 1, nameof(options));
        Connection = connection;
        _sendUri = new Uri(connection.ResourceUri.AbsoluteUri + "/messages?timeout=60&api-version=" + ApiVersion);

        // A sixteenth of the limit stays free for event properties the service counts too.
        _publicationBudget = _options.MaxPublicationBytes - (_options.MaxPublicationBytes / 16);
        MaxMessageBytes = _options.SendMode == EventHubsSendMode.SingleEvents
            ? _publicationBudget
            : (_publicationBudget - EnvelopeReserve) / 4 * 3; // base64 in JSON
        _pipeline = BuildPipeline(connection, _options);
    }

    public EventHubsConnection Connection { get; }

    public int MaxMessageBytes { get; }

    /// <summary>A SAS transport from an Event Hubs connection string.</summary>
    public static EventHubsSampleTransport FromConnectionString(string connectionString, string? eventHub = null, EventHubsSampleTransportOptions? options = null) =>
        new(EventHubsConnection.Parse(connectionString, eventHub), options);

    public async Task SendAsync(string partitionKey, IReadOnlyList<ReadOnlyMemory<byte>> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var m in messages)
        {
            if (m.Length > MaxMessageBytes)
            {
                throw new ArgumentException($"a message of {m.Length} bytes exceeds the {MaxMessageBytes}-byte limit", nameof(messages));
            }
        }

        var brokerProperties = BrokerProperties(partitionKey);
        var requests = _options.SendMode == EventHubsSendMode.SingleEvents || messages.Count == 1
            ? messages.Select(m => (Body: m, ContentType: EventContentType)).ToList()
            : Batches(messages, brokerProperties);
        await Parallel.ForEachAsync(
            requests,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentSends, CancellationToken = cancellationToken },
            async (request, ct) => await PostAsync(request.Body, request.ContentType, brokerProperties, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary><c>{"PartitionKey":"…"}</c>; keys over 128 characters become a hash of themselves (affinity is all that matters).</summary>
    internal static string BrokerProperties(string partitionKey)
    {
        var key = partitionKey.Length <= MaxPartitionKeyLength
            ? partitionKey
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partitionKey)));
        return JsonSerializer.Serialize(new Dictionary<string, string> { ["PartitionKey"] = key });
    }

    private List<(ReadOnlyMemory<byte> Body, string ContentType)> Batches(IReadOnlyList<ReadOnlyMemory<byte>> messages, string brokerProperties)
    {
        var batches = new List<(ReadOnlyMemory<byte>, string)>();
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new Utf8JsonWriter(buffer);
        var count = 0;
        foreach (var message in messages)
        {
            // Base64, its quotes and the item's properties; flush the batch when this one would not fit.
            var itemBytes = (((message.Length + 2) / 3) * 4) + brokerProperties.Length + 64;
            if (count > 0 && writer.BytesPending + writer.BytesCommitted + itemBytes + 1 > _publicationBudget)
            {
                batches.Add((Finish(writer, buffer), BatchContentType));
                buffer = new ArrayBufferWriter<byte>();
                writer.Reset(buffer);
                count = 0;
            }

            if (count == 0)
            {
                writer.WriteStartArray();
            }

            writer.WriteStartObject();
            writer.WriteBase64String("Body", message.Span);
            writer.WritePropertyName("BrokerProperties");
            writer.WriteRawValue(brokerProperties, skipInputValidation: true);
            writer.WriteEndObject();
            count++;
        }

        if (count > 0)
        {
            batches.Add((Finish(writer, buffer), BatchContentType));
        }

        writer.Dispose();
        return batches;
    }

    private static byte[] Finish(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer)
    {
        writer.WriteEndArray();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private async Task PostAsync(ReadOnlyMemory<byte> body, string contentType, string brokerProperties, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(_sendUri);
        request.Headers.SetValue("Content-Type", contentType);
        request.Headers.SetValue("BrokerProperties", brokerProperties);
        request.Content = RequestContent.Create(body);
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is RequestFailedException or IOException or HttpRequestException or OperationCanceledException or AggregateException)
        {
            throw new EventHubsSendException($"Send to event hub '{Connection.EventHub}' failed after {_options.MaxRetries + 1} tries: {e.Message}", 0, e);
        }

        var response = message.Response;
        if (response.Status is 201 or 200)
        {
            return;
        }

        var text = response.Content.ToString();
        if (text.Length > 500)
        {
            text = text[..500];
        }

        throw new EventHubsSendException(
            string.Create(CultureInfo.InvariantCulture, $"Send to event hub '{Connection.EventHub}' failed: HTTP {response.Status} {response.ReasonPhrase}: {text}"),
            response.Status);
    }

    private static HttpPipeline BuildPipeline(EventHubsConnection connection, EventHubsSampleTransportOptions options)
    {
        var clientOptions = new EventHubsClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.Delay;
        clientOptions.Retry.MaxDelay = options.MaxDelay;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        if (options.Transport is not null)
        {
            clientOptions.Transport = options.Transport;
        }

        HttpPipelinePolicy auth = connection.Credential is { } credential
            ? new BearerTokenAuthenticationPolicy(credential, EventHubsScope)
            : new SharedAccessSignaturePolicy(connection.ResourceUri, connection.SharedAccessKeyName!, connection.SharedAccessKey!, options.TokenLifetime, options.Time);
        return HttpPipelineBuilder.Build(clientOptions, perCallPolicies: [], perRetryPolicies: [auth], new ResponseClassifier());
    }

    private sealed class EventHubsClientOptions : ClientOptions;
}
