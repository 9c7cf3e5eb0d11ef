using Serverless.Monitoring.Functions.Adapters.LocalDisk;

namespace Serverless.Monitoring.Tests.Adapters.LocalDisk;

public sealed class TablePartitionCodecTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);

    private static StoredEntity[] Sample() =>
    [
        new("", "W/\"0123456789abcdef0123456789abcdef\"", T0, []),
        new("n-6a6f62", "W/\"fedcba9876543210fedcba9876543210\"", T0.AddTicks(5), [new("Name", "job")]),
        new("n-6a6f63", "W/\"FEDCBA9876543210FEDCBA9876543210\"", T0.AddTicks(-7), [new("Name", "jod"), new("Bytes", new byte[] { 0, 1, 255 })]),
        new("s-\uD83D\uDE00", "*odd etag*", DateTimeOffset.MinValue, [new("Labels", new byte[300]), new("Name", "x")]),
        new("s-\uD83D\uDE01", "W/\"0123\"", DateTimeOffset.MaxValue, [new("Empty", Array.Empty<byte>()), new("D", double.NaN), new("G", Guid.NewGuid())]),
        new("s-\uD83D\uDE01x", "", T0, [new("I", int.MinValue), new("L", long.MaxValue), new("B", true), new("T", T0)]),
        new("v-1", "W/\"fedcba9876543210fedcba9876543210\"", T0.AddTicks(5), [new("Name", "same version as n-6a6f62")]),
        new("v-2", "W/\"fedcba9876543210fedcba9876543210\"", T0.AddTicks(6), [new("Name", "same ETag, other time")]),
    ];

    [Fact]
    public void Version2_round_trips_keys_etags_timestamps_and_properties()
    {
        var entities = Sample();
        var data = TablePartitionCodec.Encode("p ü", entities);
        Assert.Equal("SMT2"u8.ToArray(), data[..4]);

        AssertSame(entities, TablePartitionCodec.Decode(data, out var partitionKey));
        Assert.Equal("p ü", partitionKey);
    }

    [Fact]
    public void Version1_files_still_read()
    {
        var entities = Sample();
        var data = TablePartitionCodec.EncodeVersion1("old", entities);
        Assert.Equal("SMT1"u8.ToArray(), data[..4]);

        AssertSame(entities, TablePartitionCodec.Decode(data, out var partitionKey));
        Assert.Equal("old", partitionKey);
    }

    [Fact]
    public void Version2_is_smaller_on_index_like_rows()
    {
        var entities = Enumerable.Range(0, 2000)
            .Select(i => new StoredEntity(
                $"s-6e6f64655f6370755f7365636f6e64735f746f74616c-{(ulong)i * 0x9E3779B97F4A7C15UL:x16}",
                "W/\"" + new Guid(i / 100, 0, 0, new byte[8]).ToString("N") + "\"", // one per batch of 100
                T0.AddMilliseconds(i / 100),
                [new("Labels", System.Text.Encoding.UTF8.GetBytes($"__name__ node_cpu_seconds_total cpu {i % 8} instance node-{i / 8:000}:9100 job node"))]))
            .ToArray();

        var v1 = TablePartitionCodec.EncodeVersion1("d", entities);
        var v2 = TablePartitionCodec.Encode("d", entities);
        Assert.True(v2.Length * 3 < v1.Length, $"{v2.Length} vs {v1.Length}");
        AssertSame(entities, TablePartitionCodec.Decode(v2, out _));
    }

    [Fact]
    public void Corrupt_version2_files_are_rejected()
    {
        var data = TablePartitionCodec.Encode("p", Sample());
        Assert.Throws<InvalidDataException>(() => TablePartitionCodec.Decode(data[..(data.Length / 2)], out _));
        Assert.Throws<InvalidDataException>(() => TablePartitionCodec.Decode(data[..6], out _));

        var badLength = (byte[])data.Clone();
        badLength[4] ^= 0x01;
        Assert.Throws<InvalidDataException>(() => TablePartitionCodec.Decode(badLength, out _));
    }

    [Fact]
    public void Version3_carries_the_base_id_and_version2_reads_as_id_zero()
    {
        var entities = Sample();
        var v3 = TablePartitionCodec.Encode("p", entities, baseId: -1234567890123L);
        Assert.Equal("SMT3"u8.ToArray(), v3[..4]);
        Assert.Equal(TablePartitionCodec.Encode("p", entities).Length + 8, v3.Length);
        AssertSame(entities, TablePartitionCodec.Decode(v3, out var partitionKey, out var baseId));
        Assert.Equal("p", partitionKey);
        Assert.Equal(-1234567890123L, baseId);
        TablePartitionCodec.Decode(TablePartitionCodec.Encode("p", entities), out _, out baseId);
        Assert.Equal(0, baseId);
        Assert.Throws<InvalidDataException>(() => TablePartitionCodec.Decode(v3[..10], out _, out _));
    }

    [Fact]
    public void Changes_round_trip_and_corrupt_ones_are_rejected()
    {
        var entities = Sample();
        var change = TablePartitionCodec.EncodeChange(["gone", "also gone ü"], entities);
        var (deleted, upserted) = TablePartitionCodec.DecodeChange(change);
        Assert.Equal(["gone", "also gone ü"], deleted);
        AssertSame(entities, upserted);
        Assert.Throws<InvalidDataException>(() => TablePartitionCodec.DecodeChange(change.AsSpan(0, change.Length / 2)));
    }

    private static void AssertSame(StoredEntity[] expected, StoredEntity[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].RowKey, actual[i].RowKey);
            Assert.Equal(expected[i].ETag, actual[i].ETag);
            Assert.Equal(expected[i].Timestamp.UtcTicks, actual[i].Timestamp.UtcTicks);
            Assert.Equal(expected[i].Properties.Length, actual[i].Properties.Length);
            for (var p = 0; p < expected[i].Properties.Length; p++)
            {
                Assert.Equal(expected[i].Properties[p].Key, actual[i].Properties[p].Key);
                var (e, a) = (expected[i].Properties[p].Value, actual[i].Properties[p].Value);
                Assert.Equal(e.GetType(), a.GetType());
                if (e is double d)
                {
                    Assert.Equal(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits((double)a));
                }
                else
                {
                    Assert.Equal(e, a);
                }
            }
        }
    }
}
