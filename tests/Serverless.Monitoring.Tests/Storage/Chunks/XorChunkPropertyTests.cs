using FsCheck;
using FsCheck.Fluent;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Tests.Storage.Chunks;

/// <summary>
/// Round-trip properties over generated series: 0..1000 samples, sorted timestamps from
/// anywhere in long's range with gaps that are regular, jittered, zero, large or huge, and
/// values from random bit patterns, special values, counters, or repeats. On failure FsCheck
/// reports the case and the seed to replay it with (<c>Config.WithReplay</c>).
/// </summary>
public sealed class XorChunkPropertyTests
{
    private const int Cases = 2000;

    private static readonly ulong[] SpecialBits =
    [
        StaleMarker.Bits, StaleMarker.NormalNaNBits, 0xFFF8000000000000UL, 0x7FF0000000000001UL, 0xFFFFFFFFFFFFFFFFUL,
        0x7FF0000000000000UL, 0xFFF0000000000000UL, 0x8000000000000000UL, 0UL, 1UL, 0x800000000000001UL,
        0x7FEFFFFFFFFFFFFFUL, 0xFFEFFFFFFFFFFFFFUL, 0x3FF0000000000000UL,
    ];

    private static readonly Gen<ulong> AnyBits =
        Gen.Two(Gen.Choose(int.MinValue, int.MaxValue)).Select(p => ((ulong)(uint)p.Item1 << 32) | (uint)p.Item2);

    private static readonly Gen<long> Gap = Gen.Frequency(
        (4, Gen.Constant(15_000L)),
        (4, Gen.Choose(-2_000, 2_000).Select(j => 15_000L + j)),
        (2, Gen.Constant(0L)),
        (2, Gen.Choose(0, int.MaxValue).Select(x => (long)x)),
        (1, AnyBits.Select(b => (long)(b >> 1))));

    // Null means "repeat the previous value".
    private static readonly Gen<ulong?> ValueBits = Gen.Frequency(
        (3, AnyBits.Select(b => (ulong?)b)),
        (2, Gen.Elements(SpecialBits).Select(b => (ulong?)b)),
        (3, Gen.Choose(0, 1_000_000).Select(i => (ulong?)BitConverter.DoubleToUInt64Bits(i))),
        (2, Gen.Choose(int.MinValue, int.MaxValue).Select(i => (ulong?)BitConverter.DoubleToUInt64Bits(i / 1000.0))),
        (2, Gen.Constant((ulong?)null)));

    private static readonly Gen<long> Start = Gen.Frequency(
        (3, Gen.Choose(0, int.MaxValue).Select(x => 1_700_000_000_000L + x)),
        (1, AnyBits.Select(b => (long)b)),
        (1, Gen.Elements(long.MinValue, long.MinValue + 1, -1L, 0L, long.MaxValue - 1, long.MaxValue)));

    private static readonly Gen<Sample[]> SeriesGen =
        from start in Start
        from length in Gen.Choose(0, 1000)
        from steps in Gen.Zip(Gap, ValueBits).ArrayOf(length)
        select Build(start, steps);

    private static Sample[] Build(long start, (long Gap, ulong? Bits)[] steps)
    {
        var samples = new Sample[steps.Length];
        var t = start;
        ulong previous = 0;
        for (var i = 0; i < steps.Length; i++)
        {
            if (i > 0)
            {
                // Saturate rather than wrap, keeping timestamps sorted.
                t = steps[i].Gap > long.MaxValue - t ? long.MaxValue : t + steps[i].Gap;
            }

            previous = steps[i].Bits ?? previous;
            samples[i] = new Sample(t, BitConverter.UInt64BitsToDouble(previous));
        }

        return samples;
    }

    private static FsCheck.Config Config => FsCheck.Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true);

    [Fact]
    public void Arbitrary_series_round_trip_bit_exactly()
    {
        Prop.ForAll(SeriesGen.ToArbitrary(), samples =>
        {
            var chunk = XorChunkEncoder.Encode(samples);
            return XorChunkFormat.ReadSampleCount(chunk) == samples.Length
                && ChunkAssert.Difference(samples, ChunkAssert.Decode(chunk)) is null;
        }).Check(Config);
    }

    [Fact]
    public void Seek_finds_the_first_sample_at_or_after_the_target()
    {
        var cases =
            from samples in SeriesGen
            from pick in Gen.Choose(0, 1000)
            from offset in Gen.Elements(-1L, 0L, 1L)
            select (samples, target: samples.Length == 0 ? 0 : SaturatingAdd(samples[pick % samples.Length].TimestampMs, offset));

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var expected = Array.FindIndex(c.samples, s => s.TimestampMs >= c.target);
            var it = new XorChunkIterator(XorChunkEncoder.Encode(c.samples));
            var found = it.Seek(c.target);
            if (expected < 0)
            {
                return !found;
            }

            return found
                && it.Timestamp == c.samples[expected].TimestampMs
                && BitConverter.DoubleToUInt64Bits(it.Value) == BitConverter.DoubleToUInt64Bits(c.samples[expected].Value);
        }).Check(Config.WithMaxTest(500));
    }

    [Fact]
    public void Packed_chunks_concatenate_to_the_series()
    {
        var cases =
            from samples in SeriesGen
            from target in Gen.Choose(1, 300)
            from duration in Gen.Elements(1L, 1_000L, 60_000L, 7_200_000L, long.MaxValue)
            select (samples, options: new ChunkOptions { TargetSamplesPerChunk = target, MaxChunkDurationMs = duration });

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var chunks = ChunkPacker.Pack(c.samples, c.options);
            var decoded = chunks.SelectMany(ch => ChunkAssert.Decode(ch.Data)).ToList();
            return ChunkAssert.Difference(c.samples, decoded) is null
                && chunks.All(ch => ch.SampleCount <= c.options.TargetSamplesPerChunk
                    && unchecked((ulong)(ch.MaxTimeMs - ch.MinTimeMs)) < (ulong)c.options.MaxChunkDurationMs);
        }).Check(Config.WithMaxTest(500));
    }

    private static long SaturatingAdd(long t, long offset) =>
        offset > 0 && t == long.MaxValue ? t : offset < 0 && t == long.MinValue ? t : t + offset;
}
