using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Tests.Storage.Engine;

/// <summary>
/// Shared plumbing of the storage engine suites: every adapter runs the same tests through a
/// subclass that only says how to get its provider. Each test gets its own container and
/// tables; "now" is fixed, data sits in the past so windows are complete.
/// </summary>
public abstract class StorageEngineTestBase
{
    protected const long Hour = 60 * 60 * 1000;
    protected const long Day = 24 * Hour;

    protected static readonly DateTimeOffset Now = new(2024, 3, 20, 12, 0, 0, TimeSpan.Zero);

    protected StorageEngineTestBase()
    {
        var id = Guid.NewGuid().ToString("N")[..20];
        Options = new StorageEngineOptions
        {
            BlockContainer = "tsdb-" + id,
            CatalogTable = "cat" + id,
            LabelIndexTable = "lbl" + id,
            CacheSizeBytes = 4 << 20,
        };
        Time = new ManualTimeProvider(Now);
        Plan = new FaultPlan();
    }

    protected abstract IStorageProvider Provider { get; }

    protected StorageEngineOptions Options { get; set; }

    protected ManualTimeProvider Time { get; }

    protected FaultPlan Plan { get; }

    /// <summary>Start of the 2 h window that began one day before <see cref="Now"/>.</summary>
    protected static long Base => Now.ToUnixTimeMilliseconds() - Day;

    /// <summary>A fresh engine over the (fault-injecting) provider: a new process, empty caches.</summary>
    protected Task<StorageEngine> OpenAsync(MetricRegistry? metrics = null, Action<string>? log = null) =>
        StorageEngine.OpenAsync(new FaultyStorageProvider(Provider, Plan), Options, Time, metrics, log);

    protected static LabelSet Series(string metric, params string[] pairs) =>
        LabelSet.FromStrings([LabelValidation.MetricNameLabel, metric, .. pairs]);

    protected static SeriesSamples Samples(LabelSet labels, long start, int count, long step = 15_000, Func<int, double>? value = null) =>
        new(labels, Enumerable.Range(0, count).Select(i => new Sample(start + (i * step), value?.Invoke(i) ?? i)).ToArray());

    protected static async Task<Dictionary<LabelSet, Sample[]>> ReadAllAsync(StorageEngine engine, long minT = long.MinValue, long maxT = long.MaxValue)
    {
        var selection = await engine.SelectAsync([], minT, maxT);
        Assert.Empty(selection.Warnings);
        return selection.Series.ToDictionary(s => s.Labels, s => s.ToArray());
    }

    /// <summary>Asserts that stored data equals the reference exactly (bits of every value).</summary>
    protected static void AssertSameData(Reference expected, Dictionary<LabelSet, Sample[]> actual)
    {
        Assert.Equal(expected.Series.Keys.OrderBy(k => k.ToString()), actual.Keys.OrderBy(k => k.ToString()));
        foreach (var (labels, samples) in expected.Series)
        {
            var want = samples.Select(kv => (kv.Key, kv.Value)).ToArray();
            var got = actual[labels].Select(s => (s.TimestampMs, BitConverter.DoubleToUInt64Bits(s.Value))).ToArray();
            Assert.Equal(want, got);
        }
    }

    /// <summary>The expected store: samples by series, merged with the engine's conflict rule.</summary>
    protected sealed class Reference
    {
        public Dictionary<LabelSet, SortedDictionary<long, ulong>> Series { get; } = [];

        public long SampleCount => Series.Values.Sum(s => s.Count);

        public void Add(SampleBatch batch)
        {
            foreach (var s in batch.Series)
            {
                if (!Series.TryGetValue(s.Labels, out var map))
                {
                    Series[s.Labels] = map = [];
                }

                foreach (var sample in s.Samples)
                {
                    var bits = BitConverter.DoubleToUInt64Bits(sample.Value);
                    map[sample.TimestampMs] = map.TryGetValue(sample.TimestampMs, out var old) ? Math.Max(old, bits) : bits;
                }
            }
        }
    }
}
