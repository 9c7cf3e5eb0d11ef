using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Monitoring.Tests.Invocations;

/// <summary>
/// Invocation payloads in the shapes the Functions host posts to a custom handler, built with the
/// host's own serialization rules (ScriptInvocationContextExtensions.GetHttpScriptInvocationContextValue):
/// a byte[] becomes base64; a POCO (TimerInfo, PartitionContext, sys) a JSON object; anything else,
/// strings and arrays included, <c>JsonConvert.SerializeObject(value)</c>, i.e. a JSON string holding
/// JSON text; DateTime and DateTimeOffset values stay dates (ISO strings).
/// </summary>
public static class HostPayloads
{
    /// <summary>How the host would encode a value that is neither a byte[], a date nor a POCO: once more, as JSON text.</summary>
    public static JsonNode Twice(JsonNode value) => JsonValue.Create(value.ToJsonString())!;

    public static JsonObject Sys(string function) => new()
    {
        ["MethodName"] = function,
        ["UtcNow"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        ["RandGuid"] = Guid.NewGuid().ToString(),
    };

    /// <summary>A timer tick: Data.timer and Metadata.timer are the TimerInfo; ScheduleStatus is null for sub-minute schedules.</summary>
    public static string Timer(string function, bool isPastDue = false)
    {
        JsonObject TimerInfo() => new()
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = null,
            ["IsPastDue"] = isPastDue,
        };

        return new JsonObject
        {
            ["Data"] = new JsonObject { ["timer"] = TimerInfo() },
            ["Metadata"] = new JsonObject { ["timer"] = TimerInfo(), ["sys"] = Sys(function) },
        }.ToJsonString();
    }

    /// <summary>How Data and the batch-aligned metadata arrays of an Event Hubs batch are encoded.</summary>
    public enum EventHubsShape
    {
        /// <summary>As the host sends them: the body array and every metadata array as a JSON string holding JSON.</summary>
        Host,

        /// <summary>Plain JSON arrays (a host that stops double-encoding must still work).</summary>
        PlainArrays,

        /// <summary>Bodies only, no metadata (events are then identified by content).</summary>
        NoMetadata,
    }

    /// <summary>
    /// An Event Hubs trigger invocation (cardinality many, dataType binary) for events with the given
    /// bodies on one partition, sequence numbers from <paramref name="firstSequenceNumber"/>.
    /// </summary>
    public static string EventHubsBatch(IReadOnlyList<byte[]> bodies, EventHubsShape shape, string partitionId = "3", long firstSequenceNumber = 41, string eventHub = "samples")
    {
        var enqueued = DateTime.UtcNow;
        JsonNode Encode(JsonArray array) => shape == EventHubsShape.Host ? Twice(array) : array;
        JsonArray Each(Func<int, JsonNode?> item) => [.. Enumerable.Range(0, bodies.Count).Select(item)];

        var metadata = new JsonObject { ["sys"] = Sys("Ingest") };
        if (shape != EventHubsShape.NoMetadata)
        {
            metadata["PartitionContext"] = new JsonObject
            {
                ["FullyQualifiedNamespace"] = "localhost",
                ["EventHubName"] = eventHub,
                ["ConsumerGroup"] = "$Default",
                ["PartitionId"] = partitionId,
            };
            metadata["PartitionKeyArray"] = Encode(Each(_ => null));
            metadata["OffsetArray"] = Encode(Each(i => ((firstSequenceNumber + i) * 512).ToString(CultureInfo.InvariantCulture)));
            metadata["SequenceNumberArray"] = Encode(Each(i => firstSequenceNumber + i));
            metadata["EnqueuedTimeUtcArray"] = Encode(Each(i => enqueued.AddMilliseconds(i).ToString("O", CultureInfo.InvariantCulture)));
            metadata["PropertiesArray"] = Encode(Each(_ => new JsonObject()));
            metadata["SystemPropertiesArray"] = Encode(Each(i => new JsonObject
            {
                ["x-opt-sequence-number"] = firstSequenceNumber + i,
                ["x-opt-partition-key"] = null,
                ["SequenceNumber"] = firstSequenceNumber + i,
            }));
        }

        var events = new JsonArray([.. bodies.Select(b => (JsonNode?)JsonValue.Create(Convert.ToBase64String(b)))]);
        return new JsonObject
        {
            ["Data"] = new JsonObject { ["events"] = shape == EventHubsShape.PlainArrays ? events : Twice(events) },
            ["Metadata"] = metadata,
        }.ToJsonString();
    }

    /// <summary>
    /// A queue trigger invocation. With host.json's <c>messageEncoding: none</c> and the default string
    /// dataType the message text (our base64) arrives encoded twice; with <c>dataType: binary</c> the
    /// body's bytes arrive as base64, once. Id and PopReceipt are strings (twice), DequeueCount a long
    /// (as JSON text), the times DateTimeOffsets.
    /// </summary>
    public static string QueueMessage(string messageText, string id, int dequeueCount = 1, bool binaryDataType = false)
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["Data"] = new JsonObject { ["message"] = binaryDataType ? JsonValue.Create(messageText) : Twice(JsonValue.Create(messageText)!) },
            ["Metadata"] = new JsonObject
            {
                ["DequeueCount"] = dequeueCount.ToString(CultureInfo.InvariantCulture),
                ["ExpirationTime"] = now.AddDays(7).ToString("O", CultureInfo.InvariantCulture),
                ["Id"] = Twice(JsonValue.Create(id)!),
                ["InsertionTime"] = now.ToString("O", CultureInfo.InvariantCulture),
                ["NextVisibleTime"] = now.AddMinutes(10).ToString("O", CultureInfo.InvariantCulture),
                ["PopReceipt"] = Twice(JsonValue.Create("AgAAAAMAAAAAAAAA" + Guid.NewGuid().ToString("N"))!),
                ["sys"] = Sys("IngestQueue"),
            },
        }.ToJsonString();
    }

    /// <summary>The parts of a custom-handler response.</summary>
    public sealed record Response(int Status, JsonElement Outputs, IReadOnlyList<string> Logs, JsonElement ReturnValue)
    {
        public long Number(string name) => ReturnValue.GetProperty(name).GetInt64();

        public override string ToString() => $"{Status}: {string.Join(" | ", Logs)}";
    }

    /// <summary>Posts a payload to <c>/&lt;function&gt;</c> as the host does and reads the response's three fields.</summary>
    public static async Task<Response> InvokeAsync(HttpClient client, string function, string payload)
    {
        using var content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/" + function, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString() ?? "", StringComparison.Ordinal);
        var root = JsonDocument.Parse(text).RootElement.Clone();
        return new Response(
            (int)response.StatusCode,
            root.GetProperty("Outputs"),
            [.. root.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!)],
            root.GetProperty("ReturnValue"));
    }
}
