namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>How <see cref="EventHubsSampleTransport"/> puts messages on the wire.</summary>
public enum EventHubsSendMode
{
    /// <summary>
    /// One POST per message with the raw body and the partition key in the
    /// <c>BrokerProperties</c> header: the documented "Send event" API.
    /// </summary>
    SingleEvents,

    /// <summary>
    /// One POST per group of messages (up to the publication limit) as
    /// <c>application/vnd.microsoft.servicebus.json</c>: <c>[{"Body":"&lt;base64&gt;","BrokerProperties":{"PartitionKey":…}},…]</c>.
    /// The per-item partition key and how the service stores a base64 <c>Body</c> are not
    /// documented (see PLATFORM.md); ingest accepts the body raw or as base64 text either way.
    /// </summary>
    JsonBatch,
}
