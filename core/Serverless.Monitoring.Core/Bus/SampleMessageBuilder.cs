using System.Buffers;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Core.Storage.Ingest;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// Cuts a list of series into snappy-compressed <c>WriteRequest</c> messages of at most
/// <see cref="MaxMessageBytes"/> each. Series are packed whole, in order, into groups sized by
/// the compression ratio seen so far; a group that still compresses too large is split again
/// by raw size. Only a series too large for one message on its own is cut into several
/// messages (by sample ranges, each repeating the labels). Encoding goes through one pooled
/// buffer per group: nothing is allocated per series or sample.
/// </summary>
public sealed class SampleMessageBuilder
{
    private const double InitialRatio = 0.5;
    private const double Headroom = 0.9;

    // The compressed/raw ratio of recent messages; races between concurrent publishers are benign.
    private double _ratio = InitialRatio;
    private volatile bool _calibrated;

    public SampleMessageBuilder(int maxMessageBytes)
    {
        // Room for snappy's header and one small series.
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 64);
        MaxMessageBytes = maxMessageBytes;
        GuaranteedRawBytes = ((maxMessageBytes - 32) / 7) * 6;
    }

    public int MaxMessageBytes { get; }

    /// <summary>Raw sizes up to this always compress within the limit (snappy's worst case).</summary>
    internal int GuaranteedRawBytes { get; }

    /// <summary>Builds the messages for <paramref name="series"/>.</summary>
    public SampleMessages Build(IReadOnlyList<SeriesSamples> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var state = new BuildState(series);
        var sizes = ArrayPool<long>.Shared.Rent(series.Count + 1);
        try
        {
            // sizes[i] = raw bytes of series [0, i), each framed as a WriteRequest field.
            sizes[0] = 0;
            for (var i = 0; i < series.Count; i++)
            {
                var s = series[i] ?? throw new ArgumentException($"series {i} is null", nameof(series));
                var payload = RemoteWriteEncoder.SeriesPayloadSize(s.Labels, s.Samples, 0, s.Samples.Count);
                sizes[i + 1] = sizes[i] + ProtoWriter.LengthDelimitedSize(payload);
            }

            if (!_calibrated && sizes[series.Count] > GuaranteedRawBytes)
            {
                Calibrate(state, sizes);
            }

            var start = 0;
            while (start < series.Count)
            {
                // Re-read per group: every message compressed refines the ratio.
                var target = TargetRawBytes();
                var end = start + 1;
                while (end < series.Count && sizes[end + 1] - sizes[start] <= target)
                {
                    end++;
                }

                EmitGroup(state, sizes, start, end);
                start = end;
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(sizes);
        }

        return new SampleMessages(state.Messages, state.Dropped, state.RawBytes, state.Samples);
    }

    /// <summary>
    /// Learns the compression ratio from the first series (about one message's worth of raw
    /// bytes) before the first large publication, so its groups are sized right from the start.
    /// </summary>
    private void Calibrate(BuildState state, long[] sizes)
    {
        var end = 1;
        while (end < state.Series.Count && sizes[end + 1] <= MaxMessageBytes)
        {
            end++;
        }

        var raw = sizes[end];
        if (raw > Array.MaxLength)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)raw);
        try
        {
            var writer = new ProtoWriter(buffer);
            WriteGroup(ref writer, state, 0, end);
            var compressed = SnappyBlock.Encode(buffer.AsSpan(0, (int)raw));
            Volatile.Write(ref _ratio, (double)compressed.Length / raw);
            _calibrated = true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static long WriteGroup(ref ProtoWriter writer, BuildState state, int start, int end)
    {
        long samples = 0;
        for (var i = start; i < end; i++)
        {
            var s = state.Series[i];
            var payload = RemoteWriteEncoder.SeriesPayloadSize(s.Labels, s.Samples, 0, s.Samples.Count);
            RemoteWriteEncoder.WriteSeries(ref writer, s.Labels, s.Samples, 0, s.Samples.Count, payload);
            samples += s.Samples.Count;
        }

        return samples;
    }

    private long TargetRawBytes()
    {
        var ratio = Math.Clamp(Volatile.Read(ref _ratio), 0.02, 1.0);
        return Math.Max(GuaranteedRawBytes, (long)(MaxMessageBytes * Headroom / ratio));
    }

    private void EmitGroup(BuildState state, long[] sizes, int start, int end)
    {
        var raw = sizes[end] - sizes[start];
        var compressedLength = int.MaxValue;
        if (raw <= Array.MaxLength && TryEncode(state, start, end, (int)raw, out compressedLength))
        {
            return;
        }

        if (end - start == 1)
        {
            var s = state.Series[start];
            EmitSamples(state, s, 0, s.Samples.Count);
            return;
        }

        // Split into as many parts as the overshoot asks for, at equal raw sizes.
        var parts = raw > Array.MaxLength ? 2 : PartsFor(compressedLength);
        var from = start;
        for (var p = 1; p <= parts && from < end; p++)
        {
            var boundary = sizes[start] + (raw * p / parts);
            var to = from + 1;
            while (to < end && sizes[to + 1] <= boundary)
            {
                to++;
            }

            EmitGroup(state, sizes, from, p == parts ? end : to);
            from = p == parts ? end : to;
        }
    }

    private void EmitSamples(BuildState state, SeriesSamples series, int start, int count)
    {
        var payload = RemoteWriteEncoder.SeriesPayloadSize(series.Labels, series.Samples, start, count);
        var raw = ProtoWriter.LengthDelimitedSize(payload);
        if (TryEncodeSamples(state, series, start, count, payload, raw, out var compressedLength))
        {
            return;
        }

        if (count <= 1)
        {
            state.Dropped.Add(new RejectedSeries(series.Labels,
                $"a single sample of this series encodes to {compressedLength} bytes, more than the {MaxMessageBytes}-byte message limit"));
            return;
        }

        var parts = Math.Min(count, PartsFor(compressedLength));
        var from = start;
        for (var p = 1; p <= parts; p++)
        {
            var to = start + (int)((long)count * p / parts);
            if (to > from)
            {
                EmitSamples(state, series, from, to - from);
            }

            from = to;
        }
    }

    private int PartsFor(int compressedLength) =>
        Math.Max(2, (int)Math.Ceiling(compressedLength / (MaxMessageBytes * Headroom)));

    private bool TryEncode(BuildState state, int start, int end, int raw, out int compressedLength)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(raw, 1));
        try
        {
            var writer = new ProtoWriter(buffer);
            var samples = WriteGroup(ref writer, state, start, end);
            return Accept(state, buffer.AsSpan(0, raw), samples, out compressedLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool TryEncodeSamples(BuildState state, SeriesSamples series, int start, int count, int payload, int raw, out int compressedLength)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(raw);
        try
        {
            var writer = new ProtoWriter(buffer);
            RemoteWriteEncoder.WriteSeries(ref writer, series.Labels, series.Samples, start, count, payload);
            return Accept(state, buffer.AsSpan(0, raw), count, out compressedLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool Accept(BuildState state, ReadOnlySpan<byte> raw, long samples, out int compressedLength)
    {
        var compressed = SnappyBlock.Encode(raw);
        compressedLength = compressed.Length;
        if (raw.Length > 0)
        {
            // Learn from every attempt, so the next publication's groups start closer to the limit.
            var ratio = (double)compressed.Length / raw.Length;
            Volatile.Write(ref _ratio, (0.5 * Volatile.Read(ref _ratio)) + (0.5 * ratio));
        }

        if (compressed.Length > MaxMessageBytes)
        {
            return false;
        }

        state.Messages.Add(compressed);
        state.RawBytes += raw.Length;
        state.Samples += samples;
        return true;
    }

    private sealed class BuildState(IReadOnlyList<SeriesSamples> series)
    {
        public IReadOnlyList<SeriesSamples> Series { get; } = series;

        public List<byte[]> Messages { get; } = [];

        public List<RejectedSeries> Dropped { get; } = [];

        public long RawBytes { get; set; }

        public long Samples { get; set; }
    }
}
