using QueueMessage = Azure.Storage.Queues.Models.QueueMessage;
using Microsoft.Azure.Functions.Worker;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>
/// The Storage Queue bus's consumer: one message per invocation through the Ingest job. A failed
/// store fails the invocation, so the host delivers the message again (after five tries it moves it
/// to <c>samples-poison</c>); a message that is not remote write is copied to the poison queue at
/// once, as the embedded consumer does, since retrying cannot help. The message ID survives
/// redelivery, so a replay stores nothing twice.
/// </summary>
internal sealed class IngestFunction(JobRunner runner, IngestJob ingest, IStorageProvider storage)
{
    public const string Name = IngestJob.JobName;

    /// <summary>The queue the trigger reads; in the function app <c>Scrape:QueueName</c> must name it.</summary>
    public const string QueueName = "samples";

    [Function(Name)]
    public async Task RunAsync(
        [QueueTrigger(QueueName, Connection = StorageOptions.DefaultConnectionName)] QueueMessage message,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var received = new BusMessage(BusMessage.StorageQueueId(QueueName, message.MessageId), Body(message.Body));
        var outcome = await runner.RunAsync(ingest, [received], cancellationToken);
        if (outcome.Undecodable.Count > 0)
        {
            var poison = storage.GetQueue(QueueName + "-poison");
            await poison.CreateIfNotExistsAsync(cancellationToken);
            await poison.SendAsync(received.Body, cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// The body our queue adapter sent: with <c>messageEncoding: none</c> the trigger hands over the
    /// message text, which is the body in base64 (any other text is taken as it is).
    /// </summary>
    private static ReadOnlyMemory<byte> Body(BinaryData text)
    {
        var span = text.ToMemory().Span;
        var decoded = new byte[System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(span.Length)];
        return System.Buffers.Text.Base64.DecodeFromUtf8(span, decoded, out _, out var written) == System.Buffers.OperationStatus.Done
            ? decoded.AsMemory(0, written)
            : text.ToMemory();
    }
}
