using FsCheck;
using FsCheck.Fluent;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Tests.Bus;

/// <summary>Series for bus tests: generated (for properties) and scrape-like (for splitting and end to end).</summary>
internal static class BusTestData
{
    private static readonly ulong[] SpecialBits =
    [
        StaleMarker.Bits, StaleMarker.NormalNaNBits, 0xFFF8000000000000UL, 0x7FF0000000000001UL,
        0x7FF0000000000000UL, 0xFFF0000000000000UL, 0x8000000000000000UL, 0UL, 1UL, 0x7FEFFFFFFFFFFFFFUL,
    ];

    private static readonly Gen<ulong> AnyBits =
        Gen.Two(Gen.Choose(int.MinValue, int.MaxValue)).Select(p => ((ulong)(uint)p.Item1 << 32) | (uint)p.Item2);

    private static readonly Gen<double> Value = Gen.Frequency(
        (3, AnyBits),
        (3, Gen.Elements(SpecialBits)),
        (3, Gen.Choose(-1_000_000, 1_000_000).Select(i => BitConverter.DoubleToUInt64Bits(i / 8.0))))
        .Select(BitConverter.UInt64BitsToDouble);

    private static readonly Gen<long> Timestamp = Gen.Frequency(
        (4, Gen.Choose(0, int.MaxValue).Select(x => 1_700_000_000_000L + x)),
        (2, Gen.Choose(int.MinValue, 0).Select(x => (long)x)),
        (1, AnyBits.Select(b => (long)b)),
        (1, Gen.Elements(long.MinValue, -1L, 0L, 1L, long.MaxValue)));

    private static readonly Gen<string> LabelName =
        Gen.Elements("job", "instance", "le", "quantile", "a", "_", "mode", "cpu", "__meta_x", "z9");

    private static readonly Gen<string> LabelValue = Gen.Frequency(
        (4, Gen.Elements("api", "localhost:9100", "0.5", "+Inf", "idle", "x")),
        (2, Gen.Elements("ünïcödé", "日本語", "emoji 😀", "quote \" and \\ and \n", new string('v', 300))),
        (2, Gen.Choose(0, 100_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static readonly Gen<LabelSet> Labels =
        from name in Gen.Elements("up", "node_cpu_seconds_total", "http_requests_total", "x")
        from count in Gen.Choose(0, 6)
        from pairs in Gen.Zip(LabelName, LabelValue).ArrayOf(count)
        select Build(name, pairs);

    public static readonly Gen<SeriesSamples> Series =
        from labels in Labels
        from count in Gen.Choose(0, 40)
        from samples in Gen.Zip(Timestamp, Value).ArrayOf(count)
        select new SeriesSamples(labels, samples.Select(p => new Sample(p.Item1, p.Item2)).ToArray());

    public static readonly Gen<SeriesSamples[]> SeriesList =
        from count in Gen.Choose(0, 25)
        from list in Series.ArrayOf(count)
        select list;

    /// <summary>A node_exporter-like scrape: <paramref name="series"/> series with one sample each at <paramref name="t"/>.</summary>
    public static SeriesSamples[] Scrape(int series, long t = 1_700_000_000_000L, int seed = 1, string instance = "localhost:9100", int samplesPerSeries = 1)
    {
        var random = new Random(seed);
        var result = new SeriesSamples[series];
        for (var i = 0; i < series; i++)
        {
            var labels = LabelSet.FromStrings(
                "__name__", "node_cpu_seconds_total",
                "cpu", (i / 8).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "instance", instance,
                "job", "node",
                "mode", "mode" + (i % 8).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var samples = new Sample[samplesPerSeries];
            for (var j = 0; j < samplesPerSeries; j++)
            {
                samples[j] = new Sample(t + (j * 15_000L), Math.Round(random.NextDouble() * 100_000, 2));
            }

            result[i] = new SeriesSamples(labels, samples);
        }

        return result;
    }

    /// <summary>Null when equal (labels, and samples bit for bit), else what differs.</summary>
    public static string? Difference(IReadOnlyList<SeriesSamples> expected, IReadOnlyList<SeriesSamples> actual)
    {
        if (expected.Count != actual.Count)
        {
            return $"expected {expected.Count} series, got {actual.Count}";
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (!expected[i].Labels.Equals(actual[i].Labels))
            {
                return $"series {i}: expected {expected[i].Labels}, got {actual[i].Labels}";
            }

            var e = expected[i].Samples;
            var a = actual[i].Samples;
            if (e.Count != a.Count)
            {
                return $"series {i} {expected[i].Labels}: expected {e.Count} samples, got {a.Count}";
            }

            for (var j = 0; j < e.Count; j++)
            {
                if (e[j].TimestampMs != a[j].TimestampMs
                    || BitConverter.DoubleToUInt64Bits(e[j].Value) != BitConverter.DoubleToUInt64Bits(a[j].Value))
                {
                    return $"series {i} sample {j}: expected {e[j].TimestampMs}/{BitConverter.DoubleToUInt64Bits(e[j].Value):X16}, " +
                        $"got {a[j].TimestampMs}/{BitConverter.DoubleToUInt64Bits(a[j].Value):X16}";
                }
            }
        }

        return null;
    }

    /// <summary>Joins consecutive pieces of one series (as the splitter cuts a large series) back together.</summary>
    public static List<SeriesSamples> MergeAdjacent(IEnumerable<SeriesSamples> pieces)
    {
        var merged = new List<SeriesSamples>();
        foreach (var piece in pieces)
        {
            if (merged.Count > 0 && merged[^1].Labels.Equals(piece.Labels))
            {
                merged[^1] = new SeriesSamples(piece.Labels, [.. merged[^1].Samples, .. piece.Samples]);
            }
            else
            {
                merged.Add(piece);
            }
        }

        return merged;
    }

    private static LabelSet Build(string name, (string Name, string Value)[] pairs)
    {
        var builder = new LabelSetBuilder().Set("__name__", name);
        foreach (var (n, v) in pairs)
        {
            builder.Set(n, v);
        }

        return builder.Build();
    }
}
