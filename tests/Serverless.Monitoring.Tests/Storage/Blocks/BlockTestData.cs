using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Tests.Storage.Chunks;

namespace Serverless.Monitoring.Tests.Storage.Blocks;

/// <summary>Building, storing and reading back blocks in tests.</summary>
internal static class BlockTestData
{
    public static readonly double[] SpecialValues =
    [
        double.NaN, StaleMarker.Value, BitConverter.UInt64BitsToDouble(StaleMarker.NormalNaNBits), double.PositiveInfinity,
        double.NegativeInfinity, -0.0, 0.0, double.Epsilon, double.MaxValue, double.MinValue, 1e-300, -42.5,
    ];

    /// <summary>Many series mixing regular scrapes, irregular gaps and every special value.</summary>
    public static List<(LabelSet Labels, Sample[] Samples)> MixedSeries(int count, int seed)
    {
        var random = new Random(seed);
        var result = new List<(LabelSet, Sample[])>();
        for (var i = 0; i < count; i++)
        {
            var labels = LabelSet.FromStrings(
                "__name__", $"metric_{i % 7}",
                "instance", $"host-{i % 13}",
                "job", i % 2 == 0 ? "api" : "db",
                "shard", (i / 91).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "utf8_ünïcödé", i % 5 == 0 ? "✓ yes" : "",
                "serial", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var n = 1 + random.Next(400);
            var t = -5_000_000L + random.Next(1_000_000);
            var samples = new Sample[n];
            var v = 0.0;
            for (var k = 0; k < n; k++)
            {
                t += random.Next(10) switch
                {
                    0 => 1,
                    1 => random.Next(1, 10_000_000),
                    _ => 15_000 + random.Next(-3, 4),
                };
                v = random.Next(6) switch
                {
                    0 => SpecialValues[random.Next(SpecialValues.Length)],
                    1 => BitConverter.Int64BitsToDouble(random.NextInt64()),
                    2 => v,
                    _ => Math.Round(random.NextDouble() * 1000, 2),
                };
                samples[k] = new Sample(t, v);
            }

            result.Add((labels, samples));
        }

        return result;
    }

    public static byte[] Write(IEnumerable<(LabelSet Labels, Sample[] Samples)> series, out BlockMeta meta, BlockWriterOptions? options = null)
    {
        var writer = new BlockWriter(options);
        foreach (var (labels, samples) in series)
        {
            writer.Add(labels, samples);
        }

        return writer.ToArray(out meta);
    }

    public static async Task<BlockReader> StoreAndOpenAsync(InMemoryBlobStore store, string name, byte[] block, BlockReaderOptions? options = null)
    {
        await store.PutAsync(name, new MemoryStream(block));
        return await BlockReader.OpenAsync(store, name, options: options);
    }

    /// <summary>Every series the matchers select, with all samples in the range, decoded.</summary>
    public static async Task<List<(LabelSet Labels, List<Sample> Samples)>> SelectAsync(
        BlockReader reader, IReadOnlyList<LabelMatcher> matchers, long minT = long.MinValue, long maxT = long.MaxValue)
    {
        var series = await reader.SeriesAsync(matchers, minT, maxT);
        var chunks = await reader.ReadSeriesChunksAsync(series);
        var result = new List<(LabelSet, List<Sample>)>();
        for (var i = 0; i < series.Count; i++)
        {
            var samples = new List<Sample>();
            foreach (var chunk in chunks[i])
            {
                samples.AddRange(ChunkAssert.Decode(chunk.Data).Where(s => s.TimestampMs >= minT && s.TimestampMs <= maxT));
            }

            result.Add((series[i].Labels, samples));
        }

        return result;
    }

    /// <summary>Matchers written as "name op value" joined by ';' (op one of = != =~ !~); "" is none.</summary>
    public static LabelMatcher[] ParseMatchers(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        return text.Split(';').Select(part =>
        {
            foreach (var (op, type) in new[] { ("=~", LabelMatchType.RegexMatch), ("!~", LabelMatchType.RegexNoMatch), ("!=", LabelMatchType.NotEqual), ("=", LabelMatchType.Equal) })
            {
                var at = part.IndexOf(op, StringComparison.Ordinal);
                if (at > 0)
                {
                    return LabelMatcher.Create(type, part[..at], part[(at + op.Length)..]);
                }
            }

            throw new FormatException(part);
        }).ToArray();
    }
}
