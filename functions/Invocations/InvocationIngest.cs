using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>
/// Stores a batch of bus messages for an invocation (Ingest, IngestQueue, and Scrape on the
/// in-process bus) through the one <see cref="IngestProcessor"/> of the process, retrying a failing
/// store <see cref="FunctionsOptions.IngestAttempts"/> times. Replays are safe: the batch ID comes
/// from the message IDs, so a redelivered batch adds nothing.
/// </summary>
internal sealed class InvocationIngest
{
    private readonly Lazy<Task<IngestProcessor>> _processor;
    private readonly int _attempts;

    public InvocationIngest(StorageEngineAccessor engines, MetricRegistry metrics, IOptions<FunctionsOptions> options, ILogger<InvocationIngest> logger)
    {
        _attempts = options.Value.IngestAttempts;
        _processor = new(async () => new IngestProcessor(
            await engines.GetAsync(),
            metrics,
            log: message => logger.LogWarning("{Message}", message)));
    }

    /// <summary>Stores the messages; logs what was stored, left out or replayed into <paramref name="result"/>.</summary>
    /// <exception cref="Exception">The last attempt's storage failure, after <see cref="FunctionsOptions.IngestAttempts"/> tries.</exception>
    public async Task<IngestOutcome> IngestAsync(IReadOnlyList<BusMessage> messages, InvocationResult result, CancellationToken cancellationToken)
    {
        var processor = await _processor.Value;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcome = await processor.ProcessAsync(messages, cancellationToken);
                Report(outcome, result);
                return outcome;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < _attempts)
            {
                result.Warn($"storing {messages.Count} message(s) failed (attempt {attempt} of {_attempts}), retrying: {ex.Message}");
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
        }
    }

    /// <summary>The outcome as the <c>ReturnValue</c> of an ingest invocation.</summary>
    public static JsonObject Summary(IngestOutcome outcome) => new()
    {
        ["BatchId"] = outcome.BatchId,
        ["Messages"] = outcome.Ingested.Count + outcome.Undecodable.Count,
        ["Ingested"] = outcome.Ingested.Count,
        ["Undecodable"] = outcome.Undecodable.Count,
        ["Series"] = outcome.Stored?.Series ?? 0,
        ["Samples"] = outcome.Stored?.Samples ?? 0,
        ["Blocks"] = outcome.Stored?.Blocks ?? 0,
        ["ReplayedBlocks"] = outcome.Stored?.ReplayedBlocks ?? 0,
        ["RejectedSeries"] = outcome.RejectedSeries.Count + (outcome.Stored?.Rejected.Count ?? 0),
    };

    private static void Report(IngestOutcome outcome, InvocationResult result)
    {
        foreach (var bad in outcome.Undecodable)
        {
            result.Warn($"message {bad.Message.Id} ({bad.Message.Body.Length} bytes) is not a remote-write message and was left out: {bad.Reason}");
        }

        var rejected = outcome.RejectedSeries.Select(r => r.Reason).Concat(outcome.Stored?.Rejected.Select(r => r.Reason) ?? []).ToList();
        if (rejected.Count > 0)
        {
            result.Warn($"{rejected.Count} series left out for invalid labels, e.g. {rejected[0]}");
        }

        if (outcome.Stored is { } stored)
        {
            result.Log(stored.ReplayedBlocks > 0 && stored.Blocks == 0
                ? string.Create(CultureInfo.InvariantCulture, $"batch {outcome.BatchId} was stored before (a replay): nothing added")
                : string.Create(CultureInfo.InvariantCulture, $"stored {stored.Samples} samples of {stored.Series} series from {outcome.Ingested.Count} message(s) as batch {outcome.BatchId}"));
        }
        else if (outcome.Ingested.Count > 0)
        {
            result.Log($"{outcome.Ingested.Count} message(s) held no samples");
        }
    }
}
