using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Index;

namespace Serverless.Monitoring.Core.Storage.Ingest;

/// <summary>
/// Checks a label set before it is stored. A <see cref="LabelSet"/> is already valid by
/// construction (UTF-8 names and values, unique names, as Prometheus 3 requires); what is left
/// is what the TSDB head rejects (an empty label set) and what the index cannot hold.
/// </summary>
internal static class SeriesValidator
{
    public static string? Validate(LabelSet? labels)
    {
        if (labels is null || labels.IsEmpty)
        {
            return "empty labelset: invalid sample";
        }

        var metric = labels.MetricName;
        if (labels.Contains(LabelValidation.MetricNameLabel) && !LabelValidation.IsValidMetricName(metric))
        {
            return $"invalid metric name: {metric}";
        }

        var size = LabelSetCodec.EncodedLength(labels);
        if (size > LabelSetCodec.MaxBytes - 1024)
        {
            return $"label set too large: {size} bytes of names and values, at most {LabelSetCodec.MaxBytes - 1024} are stored";
        }

        return null;
    }
}
