namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>Engine settings (upstream's EngineOpts and query flags).</summary>
public sealed record PromQLEngineOptions
{
    /// <summary>How far back an instant selector looks for a sample (5 minutes).</summary>
    public TimeSpan LookbackDelta { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Subquery step when none is written (1 minute).</summary>
    public TimeSpan DefaultEvaluationInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Most samples a query may hold in memory at once while evaluating (upstream's <c>--query.max-samples</c>,
    /// 50,000,000), counted as upstream's peak samples are.
    /// </summary>
    public int MaxSamples { get; init; } = 50_000_000;

    /// <summary>
    /// Most raw samples a query may select from storage (50,000,000). This engine keeps every selected
    /// sample in memory for the whole query, where upstream streams them; this caps that.
    /// </summary>
    public int MaxSelectedSamples { get; init; } = 50_000_000;

    /// <summary>Longest a query may run (upstream's <c>--query.timeout</c>, 2 minutes); <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Judge whether rate/increase input is a counter by its <c>__type__</c> label rather than its
    /// name suffix (upstream's type-and-unit-labels feature; off by default, as there).
    /// </summary>
    public bool EnableTypeAndUnitLabels { get; init; }

    /// <summary>
    /// Functions over a range selector evaluated series by series for all steps (the default)
    /// rather than step by step with a copied window. Off only to check one against the other.
    /// </summary>
    internal bool SeriesMajorRangeFunctions { get; init; } = true;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LookbackDelta, TimeSpan.Zero, nameof(LookbackDelta));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DefaultEvaluationInterval, TimeSpan.Zero, nameof(DefaultEvaluationInterval));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxSamples, nameof(MaxSamples));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxSelectedSamples, nameof(MaxSelectedSamples));
        if (Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        }
    }
}
