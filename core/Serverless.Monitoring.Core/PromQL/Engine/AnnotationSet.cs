using System.Globalization;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>
/// The annotations of one query, deduplicated by message as upstream's <c>Annotations</c> map is (a
/// repeated message keeps the last position). The monotonicity info is merged across steps and
/// series instead: its text carries the bucket range, the largest fix-up and the time span.
/// </summary>
internal sealed class AnnotationSet
{
    private readonly Dictionary<string, Annotation> _byMessage = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, MonotonicityFix> _monotonicity = new(StringComparer.Ordinal);

    public int Count => _order.Count;

    public void Add(AnnotationSeverity severity, string message, PositionRange position)
    {
        if (!_byMessage.ContainsKey(message))
        {
            _order.Add(message);
        }

        _byMessage[message] = new Annotation(severity, message, position);
    }

    /// <summary>histogram_quantile had to make the buckets of one series monotonic at <paramref name="timestampMs"/>.</summary>
    public void AddMonotonicityFix(string message, PositionRange position, long timestampMs, double minBucket, double maxBucket, double maxDiff)
    {
        if (_monotonicity.TryGetValue(message, out var m))
        {
            _monotonicity[message] = new MonotonicityFix(
                position,
                Math.Min(m.MinTs, timestampMs),
                Math.Max(m.MaxTs, timestampMs),
                Math.Min(m.MinBucket, minBucket),
                Math.Max(m.MaxBucket, maxBucket),
                Math.Max(m.MaxDiff, maxDiff),
                m.Count + 1);
            return;
        }

        _order.Add(message);
        _monotonicity[message] = new MonotonicityFix(position, timestampMs, timestampMs, minBucket, maxBucket, maxDiff, 1);
    }

    public IReadOnlyList<Annotation> ToList()
    {
        var result = new List<Annotation>(_order.Count);
        foreach (var message in _order)
        {
            if (_byMessage.TryGetValue(message, out var a))
            {
                result.Add(a);
            }
            else
            {
                var m = _monotonicity[message];
                var text = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{message}, from buckets {GoFloat.FormatG(m.MinBucket)} to {GoFloat.FormatG(m.MaxBucket)}, with a max diff of {GoFloat.FormatG(m.MaxDiff, 2)}, over {m.Count} samples from {Rfc3339(m.MinTs)} to {Rfc3339(m.MaxTs)}");
                result.Add(new Annotation(AnnotationSeverity.Info, text, m.Position));
            }
        }

        return result;
    }

    private static string Rfc3339(long ms) =>
        DateTimeOffset.FromUnixTimeSeconds(Math.DivRem(ms, 1000, out var rem) - (rem < 0 ? 1 : 0)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record MonotonicityFix(PositionRange Position, long MinTs, long MaxTs, double MinBucket, double MaxBucket, double MaxDiff, int Count);
}
