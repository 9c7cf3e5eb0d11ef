using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Tests.Storage.Chunks;

/// <summary>Decoding and bit-exact comparison shared by the chunk tests.</summary>
internal static class ChunkAssert
{
    public static List<Sample> Decode(ReadOnlyMemory<byte> chunk)
    {
        var it = new XorChunkIterator(chunk);
        var samples = new List<Sample>(it.Count);
        while (it.MoveNext())
        {
            samples.Add(new Sample(it.Timestamp, it.Value));
        }

        Assert.False(it.MoveNext());
        return samples;
    }

    /// <summary>Null when equal bit for bit, else a description of the first difference.</summary>
    public static string? Difference(IReadOnlyList<Sample> expected, IReadOnlyList<Sample> actual)
    {
        if (expected.Count != actual.Count)
        {
            return $"count {actual.Count}, expected {expected.Count}";
        }

        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (e.TimestampMs != a.TimestampMs
                || BitConverter.DoubleToUInt64Bits(e.Value) != BitConverter.DoubleToUInt64Bits(a.Value))
            {
                return $"sample {i}: ({a.TimestampMs}, 0x{BitConverter.DoubleToUInt64Bits(a.Value):x16}), "
                    + $"expected ({e.TimestampMs}, 0x{BitConverter.DoubleToUInt64Bits(e.Value):x16})";
            }
        }

        return null;
    }

    public static void BitExact(IReadOnlyList<Sample> expected, IReadOnlyList<Sample> actual)
    {
        var difference = Difference(expected, actual);
        Assert.True(difference is null, difference);
    }

    public static void RoundTrips(IReadOnlyList<Sample> samples)
    {
        var chunk = XorChunkEncoder.Encode(samples.ToArray());
        Assert.Equal(samples.Count, XorChunkFormat.ReadSampleCount(chunk));
        BitExact(samples, Decode(chunk));
    }
}
