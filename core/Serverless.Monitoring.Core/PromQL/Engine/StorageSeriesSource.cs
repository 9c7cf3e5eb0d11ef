using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Core.Storage.Querying;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>Adapts the storage engine's querier to <see cref="ISeriesSource"/>.</summary>
public sealed class StorageSeriesSource(StorageEngine storage) : ISeriesSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<ISourceSeries>> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var selection = await storage.SelectAsync(matchers, minTimeMs, maxTimeMs, cancellationToken).ConfigureAwait(false);
        return selection.Series.Select(s => (ISourceSeries)new Stored(s)).ToArray();
    }

    private sealed class Stored(StoredSeries series) : ISourceSeries, IBulkSourceSeries
    {
        public LabelSet Labels => series.Labels;

        public ISampleIterator Iterator() => new StoredIterator(series.Iterator());

        public void AppendTo(long fromMs, long toMs, List<long> timestamps, List<double> values) =>
            series.AppendTo(fromMs, toMs, timestamps, values);
    }

    private sealed class StoredIterator(SeriesIterator inner) : ISampleIterator
    {
        public long Timestamp => inner.Timestamp;

        public double Value => inner.Value;

        public bool MoveNext() => inner.MoveNext();

        public bool Seek(long timestampMs) => inner.Seek(timestampMs);
    }
}
