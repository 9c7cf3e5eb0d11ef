using Microsoft.Extensions.Logging;

namespace Serverless.Monitoring.Core.Jobs;

/// <summary>
/// A unit of work with one entry point: a scrape tick, an ingest batch, a compaction, a retention
/// pass. Hosts never call <see cref="RunAsync"/> themselves: they hand the job to the
/// <see cref="JobRunner"/>, which adds the metrics, the log lines and the retries, so the embedded
/// loops and the function classes drive the same work the same way.
/// </summary>
/// <typeparam name="TInput">What one run works on (a tick, a batch of messages).</typeparam>
/// <typeparam name="TResult">What one run did.</typeparam>
public interface IJob<in TInput, TResult>
{
    /// <summary>The job's name in metrics and logs; the function's name in the function app.</summary>
    string Name { get; }

    /// <summary>How a failed run is retried before the failure reaches the host.</summary>
    RetryPolicy Retry { get; }

    /// <summary>The level of the line that says what a successful run did (Debug for jobs that run every second).</summary>
    LogLevel SuccessLevel => LogLevel.Information;

    Task<TResult> RunAsync(TInput input, CancellationToken cancellationToken);

    /// <summary>One line for the log: what the run did.</summary>
    string Describe(TResult result);

    /// <summary>What in the result deserves a warning in the log (targets down, blocks skipped).</summary>
    IEnumerable<string> Warnings(TResult result) => [];
}
