using System.Text;
using System.Text.Unicode;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Core.Storage.Ingest;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// Reads <c>prometheus.WriteRequest</c> protobuf (remote write 1.0): <c>timeseries = 1</c> of
/// <c>TimeSeries { labels = 1; samples = 2 }</c>, <c>Label { name = 1; value = 2 }</c>,
/// <c>Sample { double value = 1; int64 timestamp = 2 }</c>. Unknown fields (metadata = 3,
/// exemplars, histograms) are skipped by wire type; a known field with the wrong wire type, a
/// bad varint or a length past its enclosing message is an error.
/// </summary>
internal sealed class RemoteWriteDecoder
{
    private readonly LabelStringInterner _strings = new();
    private readonly List<Label> _labels = [];
    private readonly List<Sample> _samples = [];
    private string? _invalidReason;

    public RemoteWriteRequest Decode(ReadOnlySpan<byte> protobuf)
    {
        var series = new List<SeriesSamples>();
        var rejected = new List<RejectedSeries>();
        var reader = new ProtoReader(protobuf);
        while (!reader.End)
        {
            var tagAt = reader.Offset;
            var (field, wireType) = reader.ReadTag();
            if (field != 1)
            {
                reader.Skip(field, wireType);
                continue;
            }

            ProtoReader.Expect(wireType, ProtoWireType.LengthDelimited, "WriteRequest.timeseries", tagAt);
            var body = reader.ReadLengthDelimited(out var start);
            ReadSeries(body, start);
            if (_invalidReason is not null)
            {
                rejected.Add(new RejectedSeries(null, _invalidReason));
            }
            else if (LabelSet.TryCreate(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_labels), out var labels, out var error))
            {
                series.Add(new SeriesSamples(labels, _samples.ToArray()));
            }
            else
            {
                rejected.Add(new RejectedSeries(null, $"{error} in {{{string.Join(", ", _labels)}}}"));
            }
        }

        return new RemoteWriteRequest(series, rejected);
    }

    private void ReadSeries(ReadOnlySpan<byte> body, int baseOffset)
    {
        _labels.Clear();
        _samples.Clear();
        _invalidReason = null;
        var reader = new ProtoReader(body, baseOffset);
        while (!reader.End)
        {
            var tagAt = reader.Offset;
            var (field, wireType) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    ProtoReader.Expect(wireType, ProtoWireType.LengthDelimited, "TimeSeries.labels", tagAt);
                    ReadLabel(reader.ReadLengthDelimited(out var labelStart), labelStart);
                    break;
                case 2:
                    ProtoReader.Expect(wireType, ProtoWireType.LengthDelimited, "TimeSeries.samples", tagAt);
                    _samples.Add(ReadSample(reader.ReadLengthDelimited(out var sampleStart), sampleStart));
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }
    }

    private void ReadLabel(ReadOnlySpan<byte> body, int baseOffset)
    {
        var name = string.Empty;
        var value = string.Empty;
        var reader = new ProtoReader(body, baseOffset);
        while (!reader.End)
        {
            var tagAt = reader.Offset;
            var (field, wireType) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    ProtoReader.Expect(wireType, ProtoWireType.LengthDelimited, "Label.name", tagAt);
                    name = ReadString(reader.ReadLengthDelimited(out _), "name");
                    break;
                case 2:
                    ProtoReader.Expect(wireType, ProtoWireType.LengthDelimited, "Label.value", tagAt);
                    value = ReadString(reader.ReadLengthDelimited(out _), "value");
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        _labels.Add(new Label(name, value));
    }

    private static Sample ReadSample(ReadOnlySpan<byte> body, int baseOffset)
    {
        ulong bits = 0;
        long timestamp = 0;
        var reader = new ProtoReader(body, baseOffset);
        while (!reader.End)
        {
            var tagAt = reader.Offset;
            var (field, wireType) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    ProtoReader.Expect(wireType, ProtoWireType.Fixed64, "Sample.value", tagAt);
                    bits = reader.ReadFixed64();
                    break;
                case 2:
                    ProtoReader.Expect(wireType, ProtoWireType.Varint, "Sample.timestamp", tagAt);
                    timestamp = (long)reader.ReadVarint();
                    break;
                default:
                    reader.Skip(field, wireType);
                    break;
            }
        }

        return new Sample(timestamp, BitConverter.UInt64BitsToDouble(bits));
    }

    private string ReadString(ReadOnlySpan<byte> utf8, string what)
    {
        if (Utf8.IsValid(utf8))
        {
            return _strings.Get(utf8);
        }

        var lossy = Encoding.UTF8.GetString(utf8);
        _invalidReason ??= $"invalid UTF-8 in label {what} \"{lossy}\"";
        return lossy;
    }
}
