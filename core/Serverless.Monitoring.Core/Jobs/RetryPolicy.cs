namespace Serverless.Monitoring.Core.Jobs;

/// <summary>
/// How often and how patiently a job is retried: <see cref="MaxAttempts"/> runs in all, waiting
/// <see cref="InitialDelay"/> after the first failure and twice as long after each further one, up
/// to <see cref="MaxDelay"/>. Cancellation is never retried.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan InitialDelay, TimeSpan MaxDelay)
{
    /// <summary>One run: the failure goes to the host (the next timer tick or a redelivery tries again).</summary>
    public static RetryPolicy None { get; } = new(1, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>For writes to storage: a store that blips (throttling, a restart) gets three tries within a few seconds.</summary>
    public static RetryPolicy Storage { get; } = new(3, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5));

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, after attempt <paramref name="attempt"/> failed.</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var delay = InitialDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        return delay < MaxDelay ? delay : MaxDelay;
    }

    /// <summary>Whether a failure on attempt <paramref name="attempt"/> is tried again.</summary>
    public bool ShouldRetry(int attempt, Exception exception) =>
        attempt < MaxAttempts && exception is not OperationCanceledException;
}
