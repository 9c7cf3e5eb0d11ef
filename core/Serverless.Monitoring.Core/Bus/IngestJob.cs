using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Jobs;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// Stores a batch of bus messages (the Storage Queue trigger's message, an Event Hubs partition's
/// batch, what a scrape tick put on the in-process bus) through the process's one
/// <see cref="IngestProcessor"/>. Retried as a storage write: the batch ID comes from the message
/// IDs, so a retried or redelivered batch is a replay that adds nothing. Undecodable messages and
/// rejected series are logged and counted by the processor itself.
/// </summary>
public sealed class IngestJob(Func<Task<IngestProcessor>> processor) : IJob<IReadOnlyList<BusMessage>, IngestOutcome>
{
    public const string JobName = "Ingest";

    public string Name => JobName;

    public RetryPolicy Retry => RetryPolicy.Storage;

    public LogLevel SuccessLevel => LogLevel.Debug;

    public async Task<IngestOutcome> RunAsync(IReadOnlyList<BusMessage> input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var ingest = await processor().ConfigureAwait(false);
        return await ingest.ProcessAsync(input, cancellationToken).ConfigureAwait(false);
    }

    public string Describe(IngestOutcome result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Stored switch
        {
            { Blocks: 0, ReplayedBlocks: > 0 } => $"batch {result.BatchId} was stored before (a replay): nothing added",
            { } stored => string.Create(CultureInfo.InvariantCulture,
                $"stored {stored.Samples} samples of {stored.Series} series from {result.Ingested.Count} message(s) as batch {result.BatchId}"),
            null => $"{result.Ingested.Count} message(s) held no samples",
        };
    }
}
