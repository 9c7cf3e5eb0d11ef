using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>The querier the PromQL engine consumes: series matching all matchers, with samples in [minT, maxT].</summary>
public interface ISeriesSource
{
    /// <summary>Selects the series matching every matcher that may have samples in [<paramref name="minTimeMs"/>, <paramref name="maxTimeMs"/>].</summary>
    Task<IReadOnlyList<ISourceSeries>> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken);
}

/// <summary>One selected series.</summary>
public interface ISourceSeries
{
    /// <summary>The series' labels, metric name included.</summary>
    LabelSet Labels { get; }

    /// <summary>A fresh iterator over the series' float samples, in time order.</summary>
    ISampleIterator Iterator();
}

/// <summary>A seekable float sample iterator (staleness markers included as their NaN bit pattern).</summary>
public interface ISampleIterator
{
    /// <summary>The current sample's time in milliseconds.</summary>
    long Timestamp { get; }

    /// <summary>The current sample's value.</summary>
    double Value { get; }

    /// <summary>Advances to the next sample; false at the end.</summary>
    bool MoveNext();

    /// <summary>Moves to the first sample at or after <paramref name="timestampMs"/>, never backwards; false when none remains.</summary>
    bool Seek(long timestampMs);
}

/// <summary>A selected series that can copy its samples in bulk (faster than iterating them one by one).</summary>
internal interface IBulkSourceSeries
{
    /// <summary>Appends the samples in [<paramref name="fromMs"/>, <paramref name="toMs"/>], in time order, staleness markers included.</summary>
    void AppendTo(long fromMs, long toMs, List<long> timestamps, List<double> values);
}
