using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Core.Storage.Querying;
using Serverless.Monitoring.Tests.Storage.Blocks;

namespace Serverless.Monitoring.Tests.Storage.Engine;

public sealed class BlockCacheTests
{
    [Fact]
    public async Task The_cache_stays_within_its_budget_and_evicts_the_least_recently_used()
    {
        var store = new InMemoryBlobStore();
        var indexes = new List<BlockIndex>();
        for (var i = 0; i < 6; i++)
        {
            var writer = new BlockWriter();
            writer.Add(LabelSet.FromStrings("__name__", $"m{i}"), [new Sample(i, i)]);
            var bytes = writer.ToArray(out _);
            await store.PutAsync($"b{i}", new MemoryStream(bytes));
            indexes.Add(await BlockReader.ReadIndexAsync(store, $"b{i}"));
        }

        var one = indexes[0].EstimatedSizeBytes + 200;
        var cache = new BlockCache(3 * one);
        foreach (var index in indexes.Take(3))
        {
            cache.PutIndex(index);
        }

        Assert.NotNull(cache.GetIndex("b0")); // b0 is now the most recent
        cache.PutIndex(indexes[3]);
        Assert.True(cache.SizeBytes <= cache.CapacityBytes);
        Assert.NotNull(cache.GetIndex("b0"));
        Assert.Null(cache.GetIndex("b1"));
        Assert.NotNull(cache.GetIndex("b3"));

        var disabled = new BlockCache(0);
        disabled.PutIndex(indexes[0]);
        Assert.Null(disabled.GetIndex("b0"));
    }

    [Fact]
    public void The_conflict_rule_is_commutative_and_keeps_identical_samples_once()
    {
        double[] values = [1, -1, 0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, StaleMarker.Value];
        foreach (var a in values)
        {
            foreach (var b in values)
            {
                Assert.Equal(BitConverter.DoubleToUInt64Bits(SampleConflict.Resolve(a, b)), BitConverter.DoubleToUInt64Bits(SampleConflict.Resolve(b, a)));
            }
        }

        Sample[] samples = [new(2, 1), new(1, 5), new(2, 1), new(1, 4)];
        var n = SampleConflict.SortAndDedupe(samples);
        Assert.Equal([new Sample(1, 5), new Sample(2, 1)], samples[..n]);
    }
}
