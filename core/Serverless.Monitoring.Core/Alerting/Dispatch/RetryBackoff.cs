namespace Serverless.Monitoring.Core.Alerting.Dispatch;

/// <summary>
/// The retry stage's waits (cenkalti/backoff's <c>ExponentialBackOff</c> defaults, which upstream
/// uses): 500 ms growing ×1.5 up to 60 s, each randomized ±50%. <paramref name="random"/> gives values
/// in [0, 1); tests pass a constant for exact waits.
/// </summary>
public sealed class RetryBackoff(Func<double>? random = null)
{
    public static readonly TimeSpan InitialInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(60);
    public const double Multiplier = 1.5;
    public const double RandomizationFactor = 0.5;

    private readonly Func<double> _random = random ?? Random.Shared.NextDouble;

    /// <summary>The wait after failed attempt number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan Delay(int attempt)
    {
        var interval = InitialInterval.TotalMilliseconds;
        for (var i = 1; i < attempt && interval < MaxInterval.TotalMilliseconds; i++)
        {
            interval = Math.Min(interval * Multiplier, MaxInterval.TotalMilliseconds);
        }

        var delta = RandomizationFactor * interval;
        return TimeSpan.FromMilliseconds(interval - delta + (_random() * 2 * delta));
    }
}
