using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Monitoring.Core.Bus;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>
/// The events of one Event Hubs trigger invocation (<c>cardinality: many</c>, <c>dataType: binary</c>):
/// <c>Data.&lt;binding&gt;</c> is the batch of bodies, base64 strings, as a JSON array or as a string
/// holding one; <c>Metadata</c> has the batch-aligned <c>SequenceNumberArray</c> (again possibly a
/// string) and <c>PartitionContext</c> {EventHubName, PartitionId, …}. Each event's ID is its hub,
/// partition and sequence number (<see cref="BusMessage.EventHubsId"/>), stable across redeliveries.
/// </summary>
internal sealed record EventHubsBatch(string EventHub, string PartitionId, IReadOnlyList<BusMessage> Messages, IReadOnlyList<string> Notes)
{
    /// <exception cref="InvocationPayloadException">The binding's value is missing or not a batch.</exception>
    public static EventHubsBatch Parse(InvocationRequest request, string bindingName, string? configuredEventHub)
    {
        ArgumentNullException.ThrowIfNull(request);
        var notes = new List<string>();
        var bodies = request.Value(bindingName) switch
        {
            JsonArray array => array.Select(MessageBodies.Bytes).ToList(),
            null => throw new InvocationPayloadException($"The payload has no Data.{bindingName} (the Event Hubs trigger's binding name)."),
            var single when single.GetValueKind() == JsonValueKind.String => [MessageBodies.Bytes(single)],
            var other => throw new InvocationPayloadException($"Data.{bindingName} must be an array of event bodies, not {other.GetValueKind()}."),
        };

        var partition = request.MetadataValue("PartitionContext") as JsonObject;
        var hub = Text(partition, "EventHubName") ?? configuredEventHub ?? "eventhub";
        var partitionId = Text(partition, "PartitionId") ?? InvocationRequest.AsString(request.MetadataValue("PartitionId"));
        var sequenceNumbers = SequenceNumbers(request.MetadataValue("SequenceNumberArray"));

        var messages = new List<BusMessage>(bodies.Count);
        if (partitionId is not null && sequenceNumbers is not null && sequenceNumbers.Count == bodies.Count)
        {
            for (var i = 0; i < bodies.Count; i++)
            {
                messages.Add(new BusMessage(BusMessage.EventHubsId(hub, partitionId, sequenceNumbers[i]), bodies[i]));
            }
        }
        else
        {
            // Without partition and sequence numbers the body's hash is the only stable identity.
            notes.Add(partitionId is null || sequenceNumbers is null
                ? "the metadata has no PartitionContext.PartitionId or SequenceNumberArray: events are identified by their content"
                : $"SequenceNumberArray has {sequenceNumbers.Count} entries for {bodies.Count} events: events are identified by their content");
            messages.AddRange(bodies.Select(body => new BusMessage(MessageBodies.ContentId($"eventhub:{hub}:{partitionId ?? "?"}", body), body)));
        }

        return new EventHubsBatch(hub, partitionId ?? "?", messages, notes);
    }

    private static string? Text(JsonObject? obj, string name)
    {
        if (obj is null)
        {
            return null;
        }

        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase) && value is JsonValue v)
            {
                return v.TryGetValue<string>(out var text) ? text : v.ToJsonString();
            }
        }

        return null;
    }

    private static List<long>? SequenceNumbers(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            return null;
        }

        var numbers = new List<long>(array.Count);
        foreach (var item in array)
        {
            if (item is JsonValue value
                && (value.TryGetValue<long>(out var number)
                    || (value.TryGetValue<string>(out var text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))))
            {
                numbers.Add(number);
            }
            else
            {
                return null;
            }
        }

        return numbers;
    }
}
