using System.Buffers;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Tests.Storage.Chunks;

public sealed class XorChunkTests
{
    private static double D(ulong bits) => BitConverter.UInt64BitsToDouble(bits);

    /// <summary>
    /// Bytes derived by hand from Prometheus's XOR layout, so the format cannot drift:
    /// count 00 03; t0 = 1000 as zig-zag varint (2000 → D0 0F); 1.0 as raw bits;
    /// delta 1000 as uvarint (E8 07); then '0' (value same), '0' (dod 0), and 2.0 XOR 1.0 =
    /// 0x7FF0000000000000 as '11' + leading 00001 + length 001011 + 11 ones.
    /// The fourth sample adds dod 5 ('10' + 14 bits) and an unchanged value ('0').
    /// </summary>
    public static TheoryData<Sample[], byte[]> Golden => new()
    {
        { [], [0x00, 0x00] },
        { [new(1000, 1.0)], [0x00, 0x01, 0xD0, 0x0F, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0] },
        {
            [new(1000, 1.0), new(2000, 1.0), new(3000, 2.0)],
            [0x00, 0x03, 0xD0, 0x0F, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0xE8, 0x07, 0x30, 0x97, 0xFF, 0xC0]
        },
        {
            [new(1000, 1.0), new(2000, 1.0), new(3000, 2.0), new(4005, 2.0)],
            [0x00, 0x04, 0xD0, 0x0F, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0xE8, 0x07, 0x30, 0x97, 0xFF, 0xE0, 0x01, 0x40]
        },
    };

    [Theory]
    [MemberData(nameof(Golden))]
    public void Encodes_prometheus_xor_layout(Sample[] samples, byte[] expected)
    {
        Assert.Equal(expected, XorChunkEncoder.Encode(samples));
        ChunkAssert.BitExact(samples, ChunkAssert.Decode(expected));
    }

    public static TheoryData<string, Sample[]> Series => new()
    {
        {
            "special values",
            [
                new(0, StaleMarker.Value), new(1, double.NaN), new(2, D(StaleMarker.NormalNaNBits)),
                new(3, double.PositiveInfinity), new(4, double.NegativeInfinity), new(5, -0.0), new(6, 0.0),
                new(7, double.Epsilon), new(8, -double.Epsilon), new(9, double.MaxValue), new(10, double.MinValue),
                new(11, D(0x7FF0000000000001UL)), new(12, D(0xFFFFFFFFFFFFFFFFUL)), new(13, StaleMarker.Value),
                new(14, -0.0), new(15, StaleMarker.Value), new(16, StaleMarker.Value),
            ]
        },
        { "negative timestamps", [new(-5000, 1), new(-4000, 2), new(-1, 3), new(0, 4), new(1, 5)] },
        { "equal timestamps", [new(7, 1), new(7, 2), new(7, 2), new(7, 3), new(8, 3), new(8, 3)] },
        { "long range extremes", [new(long.MinValue, 1), new(long.MaxValue, 2), new(long.MaxValue, 3)] },
        { "zero then full range", [new(long.MinValue, 1), new(long.MinValue, 1), new(long.MaxValue, 1)] },
        { "full range delta of deltas", [new(long.MinValue, 1), new(-1, 1), new(-1, 1), new(long.MaxValue, 1), new(long.MaxValue, 1)] },
        {
            // dod just inside and outside each bucket: 14 bits (-8191..8192), 17, 20, then 64.
            "bucket edges",
            Edges([0, 8192, -8191, 8193, -8192, 65536, -65535, 65537, -65536, 524288, -524287, 524289, -524288, 1L << 40, -(1L << 40)])
        },
        { "two samples", [new(1, 1), new(2, 2)] },
        { "value windows", [new(0, 1), new(1, 1.5), new(2, 1.25), new(3, -1e300), new(4, 1e-300), new(5, 3), new(6, 3.0000000001)] },
    };

    /// <summary>Timestamps whose successive delta-of-deltas are <paramref name="dods"/>.</summary>
    private static Sample[] Edges(long[] dods)
    {
        var samples = new List<Sample> { new(0, 0), new(1_000_000_000_000, 0) };
        var delta = 1_000_000_000_000L;
        foreach (var dod in dods)
        {
            delta += dod;
            samples.Add(new Sample(samples[^1].TimestampMs + delta, samples.Count));
        }

        return samples.ToArray();
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Round_trips_bit_exactly(string name, Sample[] samples)
    {
        Assert.NotNull(name);
        ChunkAssert.RoundTrips(samples);
    }

    [Fact]
    public void Empty_chunk_has_no_samples()
    {
        var it = new XorChunkIterator(XorChunkEncoder.Encode([]));
        Assert.Equal(0, it.Count);
        Assert.False(it.MoveNext());
        Assert.False(it.Seek(long.MinValue));
    }

    [Fact]
    public void Rejects_decreasing_timestamps()
    {
        var encoder = new XorChunkEncoder();
        encoder.Append(10, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Append(9, 1));
        encoder.Append(10, 1);
        encoder.Append(20, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Append(19, 1));
        Assert.Equal(3, encoder.Count);
        ChunkAssert.BitExact([new(10, 1), new(10, 1), new(20, 1)], ChunkAssert.Decode(encoder.ToArray()));
    }

    [Fact]
    public void Holds_at_most_65535_samples()
    {
        var encoder = new XorChunkEncoder();
        for (var i = 0; i < XorChunkFormat.MaxSamples; i++)
        {
            encoder.Append(i * 15_000L, i);
        }

        Assert.True(encoder.IsFull);
        Assert.Throws<InvalidOperationException>(() => encoder.Append(long.MaxValue, 0));

        var it = new XorChunkIterator(encoder.ToArray());
        var n = 0;
        while (it.MoveNext())
        {
            Assert.Equal(n * 15_000L, it.Timestamp);
            Assert.Equal(n, it.Value);
            n++;
        }

        Assert.Equal(XorChunkFormat.MaxSamples, n);
    }

    [Fact]
    public void Encoder_reports_range_and_resets()
    {
        var encoder = new XorChunkEncoder(capacityBytes: 0);
        for (var i = 0; i < 500; i++)
        {
            encoder.Append(-1000 + (i * 7), Math.Sin(i));
        }

        Assert.Equal(-1000, encoder.MinTimeMs);
        Assert.Equal(-1000 + (499 * 7), encoder.MaxTimeMs);
        Assert.Equal(encoder.ByteCount, encoder.Bytes.Length);

        encoder.Reset();
        Assert.Equal(0, encoder.Count);
        Assert.Equal(new byte[] { 0, 0 }, encoder.ToArray());
        encoder.Append(1000, 1.0);
        encoder.Append(2000, 1.0);
        encoder.Append(3000, 2.0);
        Assert.Equal(
            new byte[] { 0x00, 0x03, 0xD0, 0x0F, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0xE8, 0x07, 0x30, 0x97, 0xFF, 0xC0 },
            encoder.ToArray());
    }

    [Fact]
    public void Bytes_are_a_complete_chunk_after_every_append()
    {
        var encoder = new XorChunkEncoder();
        var samples = new List<Sample>();
        var random = new Random(42);
        var t = 0L;
        for (var i = 0; i < 200; i++)
        {
            t += random.Next(0, 30_000);
            var s = new Sample(t, random.Next(0, 4) == 0 ? samples.LastOrDefault().Value : random.NextDouble());
            samples.Add(s);
            encoder.Append(s.TimestampMs, s.Value);
            ChunkAssert.BitExact(samples, ChunkAssert.Decode(encoder.ToArray()));
        }
    }

    [Fact]
    public void Reads_a_chunk_inside_a_larger_buffer()
    {
        Sample[] samples = [new(1, 1.5), new(2, 2.5), new(3, 2.5), new(100, -7)];
        var chunk = XorChunkEncoder.Encode(samples);
        var buffer = new byte[chunk.Length + 40];
        Array.Fill(buffer, (byte)0xA5);
        chunk.CopyTo(buffer, 17);

        ChunkAssert.BitExact(samples, ChunkAssert.Decode(new ReadOnlyMemory<byte>(buffer, 17, chunk.Length)));
    }

    [Fact]
    public void Reads_memory_that_is_not_array_backed()
    {
        Sample[] samples = [new(5, 0.5), new(6, StaleMarker.Value), new(60_006, 0.5)];
        using var owner = new ManagedMemory(XorChunkEncoder.Encode(samples));

        ChunkAssert.BitExact(samples, ChunkAssert.Decode(owner.Memory));
    }

    /// <summary>Memory that <c>MemoryMarshal.TryGetArray</c> does not see through.</summary>
    private sealed class ManagedMemory(byte[] data) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => data;

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }

    [Fact]
    public void Truncated_chunk_throws()
    {
        Sample[] samples = [new(1000, 1.0), new(2000, 1.0), new(3000, 2.0)];
        var chunk = XorChunkEncoder.Encode(samples);

        foreach (var length in new[] { 3, 13, 15, 17 })
        {
            var buffer = new byte[64];
            Array.Fill(buffer, (byte)0xFF);
            chunk.AsSpan(0, length).CopyTo(buffer);
            var it = new XorChunkIterator(new ReadOnlyMemory<byte>(buffer, 0, length));
            Assert.Throws<InvalidDataException>(() =>
            {
                while (it.MoveNext())
                {
                }
            });
        }

        Assert.Throws<InvalidDataException>(() => new XorChunkIterator(new byte[1]));
    }

    [Fact]
    public void Iterator_can_be_reset_onto_another_chunk()
    {
        var a = XorChunkEncoder.Encode([new(1, 1), new(2, 2)]);
        var b = XorChunkEncoder.Encode([new(10, 10), new(20, 20), new(30, 30)]);
        var it = new XorChunkIterator(a);
        Assert.True(it.MoveNext());
        it.Reset(b);
        Assert.Equal(3, it.Count);
        Assert.True(it.MoveNext());
        Assert.Equal(new Sample(10, 10), it.Current);
    }
}
