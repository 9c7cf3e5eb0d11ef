namespace Serverless.Monitoring.Core.Exposition;

/// <summary>Options for <see cref="ExpositionParser"/>s (Prometheus's <c>textparse.ParserOptions</c>, the parts that apply).</summary>
public sealed record ExpositionParserOptions
{
    /// <summary>The defaults: every line is reported, as promtool's backfill and Prometheus's defaults do.</summary>
    public static ExpositionParserOptions Default { get; } = new();

    /// <summary>
    /// OpenMetrics only: skip <c>_created</c> series of counters, histograms and summaries
    /// instead of reporting them as samples (<c>WithOMParserSTSeriesSkipped</c>).
    /// </summary>
    public bool SkipCreatedSeries { get; init; }
}
