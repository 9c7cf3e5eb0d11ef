using System.Globalization;
using Serverless.Monitoring.Core.Bus;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>
/// The message of one Storage Queue trigger invocation. With <c>messageEncoding: none</c> (host.json)
/// the trigger hands over the message text, our base64 of the snappy body, which the host sends
/// encoded twice: <c>"Data":{"message":"\"&lt;base64&gt;\""}</c>. <c>Metadata.Id</c> (also a
/// twice-encoded string) is the service's message ID, stable across redeliveries.
/// </summary>
internal sealed record QueueTriggerMessage(BusMessage Message, int DequeueCount, IReadOnlyList<string> Notes)
{
    /// <exception cref="InvocationPayloadException">The binding's value is missing.</exception>
    public static QueueTriggerMessage Parse(InvocationRequest request, string bindingName, string queueName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Value(bindingName)
            ?? throw new InvocationPayloadException($"The payload has no Data.{bindingName} (the queue trigger's binding name).");
        var body = MessageBodies.Bytes(value);
        var notes = new List<string>();
        string id;
        if (InvocationRequest.AsString(request.MetadataValue("Id")) is { Length: > 0 } messageId)
        {
            id = BusMessage.StorageQueueId(queueName, messageId);
        }
        else
        {
            notes.Add("the metadata has no message Id: the message is identified by its content");
            id = MessageBodies.ContentId($"queue:{queueName}", body);
        }

        var dequeueCount = request.MetadataValue("DequeueCount") switch
        {
            System.Text.Json.Nodes.JsonValue v when v.TryGetValue<int>(out var n) => n,
            var other when InvocationRequest.AsString(other) is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => 1,
        };

        return new QueueTriggerMessage(new BusMessage(id, body), dequeueCount, notes);
    }
}
