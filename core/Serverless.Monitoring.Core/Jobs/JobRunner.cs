using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Core.Jobs;

/// <summary>
/// Runs jobs for both hosts: retries a failed run as its <see cref="RetryPolicy"/> says, logs what
/// each run did (or why it failed) under the job's name, and counts runs, retries and time spent.
/// One per process.
/// </summary>
public sealed class JobRunner
{
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly Counter _runs;
    private readonly Counter _retries;
    private readonly Histogram _duration;
    private readonly Gauge _lastSuccess;

    public JobRunner(MetricRegistry metrics, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _time = time ?? TimeProvider.System;
        _runs = metrics.CreateCounter("job_runs_total", "Job runs by outcome (success or failure, after retries).", "job", "outcome");
        _retries = metrics.CreateCounter("job_retries_total", "Failed job attempts that were tried again.", "job");
        _duration = metrics.CreateHistogram("job_run_duration_seconds", "Time a job run took, retries included.", DurationBuckets, "job");
        _lastSuccess = metrics.CreateGauge("job_last_success_timestamp_seconds", "When a job last ran successfully (Unix seconds).", "job");
    }

    /// <exception cref="Exception">The last attempt's failure, once the policy gives up; cancellation as it happens.</exception>
    public async Task<TResult> RunAsync<TInput, TResult>(IJob<TInput, TResult> job, TInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var logger = _loggers.CreateLogger("Serverless.Monitoring.Jobs." + job.Name);
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await job.RunAsync(input, cancellationToken).ConfigureAwait(false);
                Record(job.Name, "success", started);
                _lastSuccess.WithLabels(job.Name).Set(_time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
                if (logger.IsEnabled(job.SuccessLevel))
                {
                    logger.Log(job.SuccessLevel, "{Job}: {Outcome}", job.Name, job.Describe(result));
                }

                foreach (var warning in job.Warnings(result))
                {
                    logger.LogWarning("{Job}: {Warning}", job.Name, warning);
                }

                return result;
            }
            catch (Exception ex) when (job.Retry.ShouldRetry(attempt, ex) && !cancellationToken.IsCancellationRequested)
            {
                var delay = job.Retry.DelayAfter(attempt);
                _retries.WithLabels(job.Name).Inc();
                logger.LogWarning("{Job}: attempt {Attempt} of {Attempts} failed, trying again in {Delay} ms: {Error}",
                    job.Name, attempt, job.Retry.MaxAttempts, (long)delay.TotalMilliseconds, Reason(ex));
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                Record(job.Name, "failure", started);
                logger.LogError(ex, "{Job} failed after {Attempts} attempt(s): {Error}", job.Name, attempt, Reason(ex));
                throw;
            }
        }
    }

    private void Record(string job, string outcome, long started)
    {
        _runs.WithLabels(job, outcome).Inc();
        _duration.WithLabels(job).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static string Reason(Exception ex) => $"{ex.GetType().Name}: {ex.Message}";
}
