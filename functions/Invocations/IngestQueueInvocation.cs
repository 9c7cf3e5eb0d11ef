using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>
/// The IngestQueue function: a Storage Queue trigger, one message per invocation (the twin of
/// Ingest for Azurite and Storage Queue deployments). A failing store fails the invocation, so
/// the host delivers the message again (and after five tries moves it to <c>&lt;queue&gt;-poison</c>);
/// a message that is not remote write is copied to the poison queue at once, as the embedded
/// consumer does, because retrying cannot help.
/// </summary>
internal sealed class IngestQueueInvocation(InvocationIngest ingest, IStorageProvider storage, IOptions<ScrapeOptions> scrapeOptions)
{
    public const string Name = "IngestQueue";

    /// <summary>The binding name in <c>FunctionApp/IngestQueue/function.json</c>.</summary>
    public const string BindingName = "message";

    public async Task RunAsync(InvocationRequest request, InvocationResult result, CancellationToken cancellationToken)
    {
        var queueName = scrapeOptions.Value.QueueName;
        var received = QueueTriggerMessage.Parse(request, BindingName, queueName);
        foreach (var note in received.Notes)
        {
            result.Warn(note);
        }

        result.Log($"message {received.Message.Id} ({received.Message.Body.Length} bytes, delivery {received.DequeueCount})");
        var outcome = await ingest.IngestAsync([received.Message], result, cancellationToken);
        if (outcome.Undecodable.Count > 0)
        {
            var poison = storage.GetQueue(queueName + "-poison");
            await poison.CreateIfNotExistsAsync(cancellationToken);
            await poison.SendAsync(received.Message.Body, cancellationToken: cancellationToken);
            result.Warn($"copied the message to {poison.QueueName}");
        }

        result.ReturnValue = InvocationIngest.Summary(outcome);
    }
}
