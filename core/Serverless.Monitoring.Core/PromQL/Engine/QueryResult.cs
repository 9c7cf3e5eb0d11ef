using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>One result series: labels and points (one point for an instant vector).</summary>
public sealed record ResultSeries(LabelSet Labels, IReadOnlyList<Sample> Points);

/// <summary>A query's result: <see cref="Type"/> says which of scalar, string, vector or matrix it is.</summary>
public sealed class QueryResult
{
    /// <summary>Scalar, String, Vector or Matrix.</summary>
    public required ExprType Type { get; init; }

    /// <summary>The scalar value (and its time) for a scalar result.</summary>
    public Sample Scalar { get; init; }

    /// <summary>The string value for a string result.</summary>
    public string? StringValue { get; init; }

    /// <summary>Vector or matrix series, in the engine's output order.</summary>
    public IReadOnlyList<ResultSeries> Series { get; init; } = [];

    /// <summary>Warnings and infos, each with the query position it points at (<see cref="Annotation.Format"/>).</summary>
    public IReadOnlyList<Annotation> Annotations { get; init; } = [];

    /// <summary>Warning texts without positions.</summary>
    public IReadOnlyList<string> Warnings => [.. Annotations.Where(a => a.Severity == AnnotationSeverity.Warning).Select(a => a.Message)];

    /// <summary>Info texts without positions.</summary>
    public IReadOnlyList<string> Infos => [.. Annotations.Where(a => a.Severity == AnnotationSeverity.Info).Select(a => a.Message)];

    /// <summary>The most samples the query held in memory at once (upstream's <c>peakSamples</c> statistic).</summary>
    public long PeakSamples { get; init; }
}
