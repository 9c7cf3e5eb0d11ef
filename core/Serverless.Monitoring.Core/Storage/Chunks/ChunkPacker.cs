using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Storage.Chunks;

/// <summary>
/// Cuts one series' sorted samples into XOR chunks: no chunk spans
/// <see cref="ChunkOptions.MaxChunkDurationMs"/> or more, and the samples within that span are
/// spread evenly over as few chunks as <see cref="ChunkOptions.TargetSamplesPerChunk"/> allows
/// (241 samples become 81 + 80 + 80, not 120 + 120 + 1), much as Prometheus's head spreads them.
/// </summary>
public static class ChunkPacker
{
    /// <summary>Encodes <paramref name="samples"/>, whose timestamps must not decrease.</summary>
    public static IReadOnlyList<EncodedChunk> Pack(ReadOnlySpan<Sample> samples, ChunkOptions? options = null)
    {
        options ??= ChunkOptions.Default;
        options.Validate();
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i].TimestampMs < samples[i - 1].TimestampMs)
            {
                throw new ArgumentException(
                    $"samples must be sorted by timestamp; sample {i} ({samples[i].TimestampMs}) is before sample {i - 1} ({samples[i - 1].TimestampMs})",
                    nameof(samples));
            }
        }

        var target = options.TargetSamplesPerChunk;
        var maxSpan = (ulong)options.MaxChunkDurationMs;
        var chunks = new List<EncodedChunk>((samples.Length / target) + 1);
        var encoder = new XorChunkEncoder();
        var start = 0;
        var end = 0;
        while (start < samples.Length)
        {
            // The run of samples the time bound allows from here. Its end only moves forward as
            // the start does, so the scan is linear overall. The span is computed unsigned, as
            // timestamps far apart (e.g. long.MinValue and long.MaxValue) overflow long.
            var first = samples[start].TimestampMs;
            end = Math.Max(end, start + 1);
            while (end < samples.Length && unchecked((ulong)(samples[end].TimestampMs - first)) < maxSpan)
            {
                end++;
            }

            var run = end - start;
            var pieces = (run + target - 1) / target;
            var take = (run + pieces - 1) / pieces;

            encoder.Reset();
            foreach (var s in samples.Slice(start, take))
            {
                encoder.Append(s.TimestampMs, s.Value);
            }

            chunks.Add(new EncodedChunk(encoder.MinTimeMs, encoder.MaxTimeMs, encoder.Count, encoder.ToArray()));
            start += take;
        }

        return chunks;
    }
}
