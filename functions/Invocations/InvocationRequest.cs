using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>
/// The JSON payload the Functions host posts to <c>/&lt;FunctionName&gt;</c> for a non-HTTP trigger:
/// <c>{"Data":{&lt;binding&gt;:…},"Metadata":{…}}</c>. The host serializes strings and arrays a second
/// time (a JSON string holding JSON text), so <see cref="Value"/> parses such a string once more.
/// </summary>
internal sealed class InvocationRequest
{
    private InvocationRequest(JsonObject data, JsonObject metadata)
    {
        Data = data;
        Metadata = metadata;
    }

    /// <summary>The trigger and input bindings' values, by binding name.</summary>
    public JsonObject Data { get; }

    /// <summary>The trigger metadata (e.g. <c>SequenceNumberArray</c>, <c>Id</c>, <c>sys</c>).</summary>
    public JsonObject Metadata { get; }

    /// <exception cref="InvocationPayloadException">The body is not a JSON object, or Data or Metadata is not an object.</exception>
    public static async Task<InvocationRequest> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonNode? root;
        try
        {
            root = await JsonNode.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new InvocationPayloadException($"The invocation payload is not JSON: {ex.Message}");
        }

        if (root is not JsonObject payload)
        {
            throw new InvocationPayloadException("The invocation payload must be a JSON object {\"Data\":{…},\"Metadata\":{…}}.");
        }

        return new InvocationRequest(Section(payload, "Data"), Section(payload, "Metadata"));
    }

    /// <summary>The value of a data binding, unwrapped (see <see cref="Unwrap"/>); null when absent.</summary>
    public JsonNode? Value(string bindingName) => Unwrap(Find(Data, bindingName));

    /// <summary>The value of a metadata entry, unwrapped; null when absent.</summary>
    public JsonNode? MetadataValue(string name) => Unwrap(Find(Metadata, name));

    /// <summary>
    /// A JSON string whose contents parse as JSON is replaced by what they parse to (once): the
    /// host sends <c>"[1,2]"</c> for an array and <c>"\"text\""</c> for a string. Any other node
    /// is returned as it is.
    /// </summary>
    public static JsonNode? Unwrap(JsonNode? node)
    {
        if (node is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            return node;
        }

        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length == 0 || trimmed[0] is not ('"' or '[' or '{'))
        {
            // Numbers, true/false/null and base64 text stay strings: only quoted or structured JSON was encoded twice.
            return node;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return node;
        }
    }

    /// <summary>The node as text when it is a JSON string, else null.</summary>
    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static JsonObject Section(JsonObject payload, string name) => Find(payload, name) switch
    {
        null => [],
        JsonObject section => section,
        JsonValue value when value.GetValueKind() == JsonValueKind.Null => [],
        var other => Unwrap(other) as JsonObject
            ?? throw new InvocationPayloadException($"The invocation payload's {name} must be a JSON object, not {other.GetValueKind()}."),
    };

    /// <summary>Binding names are matched without regard to case, as the host matches them.</summary>
    private static JsonNode? Find(JsonObject obj, string name)
    {
        if (obj.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}

/// <summary>The invocation payload does not have the shape the function expects; the message says what is wrong.</summary>
internal sealed class InvocationPayloadException(string message) : Exception(message);
