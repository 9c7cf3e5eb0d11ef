using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Core.Storage.Ingest;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// A decoded <c>prometheus.WriteRequest</c>: the series whose labels are valid, ready for a
/// <see cref="SampleBatch"/>, and those left out with the reason (invalid label name or UTF-8,
/// duplicate label). Metadata, exemplars and native histograms are skipped.
/// </summary>
public sealed record RemoteWriteRequest(IReadOnlyList<SeriesSamples> Series, IReadOnlyList<RejectedSeries> Rejected)
{
    /// <summary>Samples across <see cref="Series"/>.</summary>
    public long SampleCount
    {
        get
        {
            long n = 0;
            foreach (var s in Series)
            {
                n += s.Samples.Count;
            }

            return n;
        }
    }
}
