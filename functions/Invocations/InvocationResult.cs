using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>
/// The answer to one invocation, in the custom-handler response shape
/// <c>{"Outputs":{…},"Logs":["…"],"ReturnValue":…}</c>. The host writes <c>Logs</c> to the
/// function's log; our functions have no output bindings, so <c>Outputs</c> stays empty and
/// <c>ReturnValue</c> carries a summary of what the invocation did.
/// </summary>
internal sealed class InvocationResult(ILogger logger)
{
    // Logs are read by people: keep quotes and apostrophes as they are (the body is never HTML).
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly List<string> _logs = [];

    public IReadOnlyList<string> Logs => _logs;

    public JsonObject? ReturnValue { get; set; }

    /// <summary>Adds a line to <c>Logs</c> and to our own log (the host does not read <c>Logs</c> from a failed invocation).</summary>
    public void Log(string message)
    {
        _logs.Add(message);
        logger.LogInformation("{Message}", message);
    }

    /// <summary>Adds a warning line; prefixed so it stands out in the function's log.</summary>
    public void Warn(string message)
    {
        _logs.Add("warning: " + message);
        logger.LogWarning("{Message}", message);
    }

    /// <summary>Adds the reason the invocation failed to <c>Logs</c> (the caller has logged it with its details).</summary>
    public void Fail(string message) => _logs.Add("error: " + message);

    public string ToJson() => new JsonObject
    {
        ["Outputs"] = new JsonObject(),
        [nameof(Logs)] = new JsonArray([.. _logs.Select(line => (JsonNode?)JsonValue.Create(line))]),
        [nameof(ReturnValue)] = ReturnValue?.DeepClone(),
    }.ToJsonString(JsonOptions);
}
