using Serverless.Monitoring.Core.Bus;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>
/// The Ingest function: an Event Hubs trigger with <c>cardinality: many</c>. The checkpoint
/// advances whether or not the invocation succeeds, so a failing store is retried here
/// (<see cref="InvocationIngest"/>) before the invocation fails; a batch redelivered after a
/// crash is a replay and stores nothing twice.
/// </summary>
internal sealed class IngestInvocation(InvocationIngest ingest, IConfiguration configuration)
{
    public const string Name = "Ingest";

    /// <summary>The binding name in <c>FunctionApp/Ingest/function.json</c>.</summary>
    public const string BindingName = "events";

    /// <summary>The app setting function.json takes the hub's name from; used when the metadata lacks it.</summary>
    public const string EventHubNameSetting = "EventHubName";

    public async Task RunAsync(InvocationRequest request, InvocationResult result, CancellationToken cancellationToken)
    {
        var batch = EventHubsBatch.Parse(request, BindingName, configuration[EventHubNameSetting]);
        foreach (var note in batch.Notes)
        {
            result.Warn(note);
        }

        result.Log($"{batch.Messages.Count} event(s) from {batch.EventHub} partition {batch.PartitionId}");
        if (batch.Messages.Count == 0)
        {
            return;
        }

        var outcome = await ingest.IngestAsync(batch.Messages, result, cancellationToken);
        result.ReturnValue = InvocationIngest.Summary(outcome);
    }
}
