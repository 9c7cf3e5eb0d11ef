namespace Serverless.Monitoring.Tests.Dataset;

/// <summary>One metric family of the dataset: its metadata and its metrics (the same for every instance).</summary>
internal sealed record DatasetFamily(string Name, string Type, string Help, string? Unit, IReadOnlyList<DatasetMetric> Metrics)
{
    public int SeriesCount => Metrics.Sum(m => m.Series.Count);
}

/// <summary>
/// One metric: its series (sample name and labels, without <c>instance</c> and <c>job</c>, in
/// the order the generator fills them) and the generator of their values.
/// </summary>
internal sealed record DatasetMetric(IReadOnlyList<(string Name, string Labels)> Series, MetricGenerator Generator);
