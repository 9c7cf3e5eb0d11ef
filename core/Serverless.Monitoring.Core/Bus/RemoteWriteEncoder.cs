using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// Writes <c>prometheus.WriteRequest</c> protobuf: sizes are computed first, then bytes written
/// straight into a caller's span, so encoding allocates nothing per series or sample.
/// Proto3 zero values are left out as Go's encoder does, except that a value is compared by
/// bits: -0.0 is written, so every value (NaN payloads, the stale marker) round-trips exactly.
/// </summary>
internal static class RemoteWriteEncoder
{
    // Field tags: (field << 3) | wire type.
    internal const byte WriteRequestTimeseries = 0x0A; // 1, length-delimited
    internal const byte TimeSeriesLabels = 0x0A;       // 1, length-delimited
    internal const byte TimeSeriesSamples = 0x12;      // 2, length-delimited
    internal const byte LabelName = 0x0A;              // 1, length-delimited
    internal const byte LabelValue = 0x12;             // 2, length-delimited
    internal const byte SampleValue = 0x09;            // 1, fixed64
    internal const byte SampleTimestamp = 0x10;        // 2, varint

    /// <summary>Size of a <c>TimeSeries</c> message (without its own tag and length) holding samples [start, start+count).</summary>
    public static int SeriesPayloadSize(LabelSet labels, IReadOnlyList<Sample> samples, int start, int count)
    {
        var size = LabelsSize(labels);
        for (var i = start; i < start + count; i++)
        {
            size += ProtoWriter.LengthDelimitedSize(SampleSize(samples[i]));
        }

        return size;
    }

    /// <summary>Bytes the labels take inside a <c>TimeSeries</c>.</summary>
    public static int LabelsSize(LabelSet labels)
    {
        var size = 0;
        foreach (var label in labels.AsSpan())
        {
            size += ProtoWriter.LengthDelimitedSize(LabelSize(label));
        }

        return size;
    }

    /// <summary>Bytes one sample adds to a <c>TimeSeries</c> (tag, length and message).</summary>
    public static int FramedSampleSize(Sample sample) => ProtoWriter.LengthDelimitedSize(SampleSize(sample));

    /// <summary>Writes one <c>timeseries</c> field of a <c>WriteRequest</c>.</summary>
    public static void WriteSeries(ref ProtoWriter writer, LabelSet labels, IReadOnlyList<Sample> samples, int start, int count, int payloadSize)
    {
        writer.WriteByte(WriteRequestTimeseries);
        writer.WriteVarint((ulong)payloadSize);
        foreach (var label in labels.AsSpan())
        {
            var nameLength = Encoding.UTF8.GetByteCount(label.Name);
            var valueLength = Encoding.UTF8.GetByteCount(label.Value);
            writer.WriteByte(TimeSeriesLabels);
            writer.WriteVarint((ulong)(ProtoWriter.LengthDelimitedSize(nameLength) + ProtoWriter.LengthDelimitedSize(valueLength)));
            writer.WriteString(LabelName, label.Name, nameLength);
            writer.WriteString(LabelValue, label.Value, valueLength);
        }

        for (var i = start; i < start + count; i++)
        {
            var sample = samples[i];
            writer.WriteByte(TimeSeriesSamples);
            writer.WriteVarint((ulong)SampleSize(sample));
            var bits = BitConverter.DoubleToUInt64Bits(sample.Value);
            if (bits != 0)
            {
                writer.WriteByte(SampleValue);
                writer.WriteFixed64(bits);
            }

            if (sample.TimestampMs != 0)
            {
                writer.WriteByte(SampleTimestamp);
                writer.WriteVarint((ulong)sample.TimestampMs);
            }
        }
    }

    private static int LabelSize(Label label) =>
        ProtoWriter.LengthDelimitedSize(Encoding.UTF8.GetByteCount(label.Name)) +
        ProtoWriter.LengthDelimitedSize(Encoding.UTF8.GetByteCount(label.Value));

    private static int SampleSize(Sample sample) =>
        (BitConverter.DoubleToUInt64Bits(sample.Value) != 0 ? 9 : 0) +
        (sample.TimestampMs != 0 ? 1 + ProtoWriter.VarintLength((ulong)sample.TimestampMs) : 0);
}
