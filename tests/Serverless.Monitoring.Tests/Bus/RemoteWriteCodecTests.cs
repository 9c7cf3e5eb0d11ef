using FsCheck;
using FsCheck.Fluent;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Tests.Bus;

public sealed class RemoteWriteCodecTests
{
    private static FsCheck.Config Config => FsCheck.Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true);

    [Fact]
    public void Arbitrary_series_round_trip_bit_exactly()
    {
        Prop.ForAll(BusTestData.SeriesList.ToArbitrary(), series =>
        {
            var decoded = RemoteWriteCodec.Decode(RemoteWriteCodec.Encode(series));
            return decoded.Rejected.Count == 0 && BusTestData.Difference(series, decoded.Series) is null;
        }).Check(Config);
    }

    [Fact]
    public void Uncompressed_protobuf_round_trips_and_is_what_the_snappy_body_holds()
    {
        Prop.ForAll(BusTestData.SeriesList.ToArbitrary(), series =>
        {
            var protobuf = RemoteWriteCodec.EncodeProtobuf(series);
            return BusTestData.Difference(series, RemoteWriteCodec.DecodeProtobuf(protobuf).Series) is null
                && IronSnappy.Snappy.Decode(RemoteWriteCodec.Encode(series)).AsSpan().SequenceEqual(protobuf);
        }).Check(Config.WithMaxTest(200));
    }

    public static TheoryData<string, ulong, long> SpecialSamples => new()
    {
        { "stale marker", StaleMarker.Bits, 1_700_000_000_000 },
        { "Go NaN", StaleMarker.NormalNaNBits, 1 },
        { ".NET NaN", 0xFFF8000000000000UL, -1 },
        { "+Inf", 0x7FF0000000000000UL, long.MaxValue },
        { "-Inf", 0xFFF0000000000000UL, long.MinValue },
        { "-0", 0x8000000000000000UL, 0 },
        { "+0 at time 0 (both fields omitted)", 0UL, 0 },
        { "negative timestamp", BitConverter.DoubleToUInt64Bits(42.5), -86_400_000 },
    };

    [Theory]
    [MemberData(nameof(SpecialSamples))]
    public void Special_values_and_timestamps_keep_their_exact_bits(string name, ulong bits, long timestamp)
    {
        var series = new[] { new SeriesSamples(LabelSet.FromStrings("__name__", "x", "case", name), [new Sample(timestamp, BitConverter.UInt64BitsToDouble(bits))]) };

        var decoded = RemoteWriteCodec.Decode(RemoteWriteCodec.Encode(series)).Series.Single().Samples.Single();

        Assert.Equal(timestamp, decoded.TimestampMs);
        Assert.Equal(bits, BitConverter.DoubleToUInt64Bits(decoded.Value));
    }

    [Fact]
    public void Encoding_matches_the_protobuf_wire_format_byte_for_byte()
    {
        // WriteRequest{timeseries:[{labels:[{name:"a",value:"b"}], samples:[{value:1.0, timestamp:-1}]}]}, written out by hand.
        byte[] expected =
        [
            0x0A, 0x1E,                                         // timeseries (field 1), 30 bytes
            0x0A, 0x06, 0x0A, 0x01, (byte)'a', 0x12, 0x01, (byte)'b', // labels: name "a", value "b"
            0x12, 0x14,                                         // samples (field 2), 20 bytes
            0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,                 // value 1.0 (fixed64)
            0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,       // timestamp -1 (10-byte varint)
        ];
        var series = new[] { new SeriesSamples(LabelSet.FromStrings("a", "b"), [new Sample(-1, 1.0)]) };

        Assert.Equal(expected.Length, expected[1] + 2);
        Assert.Equal(expected, RemoteWriteCodec.EncodeProtobuf(series));
    }

    [Fact]
    public void Unknown_fields_and_metadata_are_skipped()
    {
        var series = new[] { new SeriesSamples(LabelSet.FromStrings("__name__", "up", "job", "a"), [new Sample(5, 1)]) };
        var body = RemoteWriteCodec.EncodeProtobuf(series);
        // metadata (field 3) with a nested message, a fixed32 field 7 and a varint field 9, before and after.
        byte[] extra = [0x1A, 0x04, 0x08, 0x01, 0x12, 0x00, 0x3D, 1, 2, 3, 4, 0x48, 0x96, 0x01];
        var decoded = RemoteWriteCodec.DecodeProtobuf([.. extra, .. body, .. extra]);

        Assert.Null(BusTestData.Difference(series, decoded.Series));
    }

    [Fact]
    public void Invalid_labels_reject_the_series_not_the_request()
    {
        // A series with a value but no label name, one with invalid UTF-8 in a value, and a valid one.
        byte[] invalidName = Series(Label("", "v"u8), Sample());
        byte[] invalidUtf8 = Series(Label("a", [0xC3, 0x28]), Sample());
        byte[] valid = Series(Label("__name__", "up"u8), Sample());

        var decoded = RemoteWriteCodec.DecodeProtobuf([.. invalidName, .. invalidUtf8, .. valid]);

        Assert.Equal("up", Assert.Single(decoded.Series).Labels.MetricName);
        Assert.Collection(decoded.Rejected,
            r => Assert.Contains("invalid label name", r.Reason, StringComparison.Ordinal),
            r => Assert.Contains("invalid UTF-8 in label value", r.Reason, StringComparison.Ordinal));
    }

    public static TheoryData<string, byte[], string> MalformedProtobuf => new()
    {
        { "truncated tag varint", [0x0A, 0x02, 0x0A, 0x00, 0x80], "at byte 4: truncated varint" },
        { "truncated length varint", [0x0A, 0x80], "at byte 1: truncated varint" },
        { "varint over 64 bits", [0x28, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02], "at byte 1: varint overflows 64 bits" },
        { "varint over 10 bytes", [0x28, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00], "at byte 1: varint overflows 64 bits" },
        { "wrong wire type for timeseries", [0x08, 0x01], "at byte 0: wrong wire type 0 for field WriteRequest.timeseries (expected 2)" },
        { "wrong wire type for labels", [0x0A, 0x02, 0x09, 0x00], "at byte 2: wrong wire type 1 for field TimeSeries.labels (expected 2)" },
        { "wrong wire type for sample value", [0x0A, 0x04, 0x12, 0x02, 0x08, 0x01], "at byte 4: wrong wire type 0 for field Sample.value (expected 1)" },
        { "wrong wire type for sample timestamp", [0x0A, 0x04, 0x12, 0x02, 0x12, 0x00], "at byte 4: wrong wire type 2 for field Sample.timestamp (expected 0)" },
        { "wrong wire type for label name", [0x0A, 0x04, 0x0A, 0x02, 0x08, 0x01], "at byte 4: wrong wire type 0 for field Label.name (expected 2)" },
        { "length overflows the message", [0x0A, 0x05, 0x00], "at byte 1: length 5 overflows the 1 bytes left in the enclosing message" },
        { "nested length overflows its parent", [0x0A, 0x03, 0x0A, 0x05, 0x00, 0x00, 0x00, 0x00], "at byte 3: length 5 overflows the 1 bytes left" },
        { "huge length", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], "at byte 1: length 4294967295 overflows" },
        { "truncated fixed64", [0x0A, 0x05, 0x12, 0x03, 0x09, 0x00, 0x00], "at byte 5: truncated fixed64 value" },
        { "truncated fixed32 in unknown field", [0x3D, 0x01, 0x02], "at byte 1: truncated fixed32 value" },
        { "field number 0", [0x00, 0x01], "at byte 0: invalid field number 0" },
        { "wire type 6", [0x0E], "at byte 0: invalid wire type 6 for field 1" },
        { "group in unknown field", [0x2B, 0x00], "at byte 1: unsupported wire type 3 (group) for field 5" },
    };

    [Theory]
    [MemberData(nameof(MalformedProtobuf))]
    public void Malformed_protobuf_gives_a_clear_error(string name, byte[] protobuf, string expected)
    {
        var e = Assert.Throws<RemoteWriteFormatException>(() => RemoteWriteCodec.DecodeProtobuf(protobuf));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {e.Message}");

        // Through snappy, the same error.
        var viaSnappy = Assert.Throws<RemoteWriteFormatException>(() => RemoteWriteCodec.Decode(IronSnappy.Snappy.Encode(protobuf)));
        Assert.Equal(e.Message, viaSnappy.Message);
    }

    public static TheoryData<string, byte[], string> MalformedSnappy => new()
    {
        { "empty body", [], "invalid snappy block: empty body" },
        { "truncated length header", [0x80], "invalid snappy block: truncated length header" },
        { "length header over 5 bytes", [0x80, 0x80, 0x80, 0x80, 0x80, 0x01], "length header longer than 5 bytes" },
        { "more than the limit", [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], "snappy block decodes to 4294967295 bytes, more than the limit of 33554432" },
        { "literal overruns the block", [0x05, 0x10, (byte)'a'], "literal of 5 bytes overruns the block" },
        { "truncated literal length", [0x05, 0xF0], "truncated literal length" },
        { "copy before any output", [0x04, 0x01, 0x01], "copy offset 1 outside the 0 bytes decoded so far" },
        { "copy offset 0", [0x08, 0x00, (byte)'a', 0x01, 0x00], "copy offset 0 outside" },
        { "truncated copy", [0x08, 0x00, (byte)'a', 0x02, 0x01], "truncated copy" },
        { "shorter than the header says", [0x05, 0x00, (byte)'a'], "decodes to 1 bytes, the header says 5" },
        { "longer than the header says", [0x01, 0x04, (byte)'a', (byte)'b'], "decodes to more than the 1 bytes the header says" },
        { "not snappy at all (JSON)", "{\"a\":1}"u8.ToArray(), "invalid snappy block" },
    };

    [Theory]
    [MemberData(nameof(MalformedSnappy))]
    public void Malformed_snappy_gives_a_clear_error(string name, byte[] body, string expected)
    {
        var e = Assert.Throws<RemoteWriteFormatException>(() => RemoteWriteCodec.Decode(body));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {e.Message}");
    }

    [Fact]
    public void Decoded_size_limit_is_enforced_before_decoding()
    {
        var body = RemoteWriteCodec.Encode(BusTestData.Scrape(100));

        var e = Assert.Throws<RemoteWriteFormatException>(() => RemoteWriteCodec.Decode(body, maxDecodedBytes: 100));
        Assert.Contains("more than the limit of 100", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupted_bodies_decode_or_fail_with_a_format_error_only()
    {
        var random = new Random(20261122);
        var valid = RemoteWriteCodec.Encode(BusTestData.Scrape(200, samplesPerSeries: 3));
        var validProtobuf = RemoteWriteCodec.EncodeProtobuf(BusTestData.Scrape(50));
        var outcomes = new int[2];
        for (var i = 0; i < 5000; i++)
        {
            // Half corrupt the snappy layer, half the protobuf inside a valid snappy block.
            var snappyLayer = i % 2 == 0;
            var bytes = Mutate(snappyLayer ? valid : validProtobuf, random);
            var body = snappyLayer ? bytes : IronSnappy.Snappy.Encode(bytes);
            try
            {
                RemoteWriteCodec.Decode(body);
                outcomes[0]++;
            }
            catch (RemoteWriteFormatException)
            {
                outcomes[1]++;
            }
        }

        // Both outcomes happen, and nothing else was thrown (an escaping exception fails the test).
        Assert.All(outcomes, n => Assert.True(n > 0));
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var bytes = (byte[])source.Clone();
        switch (random.Next(4))
        {
            case 0:
                return bytes[..random.Next(bytes.Length)];
            case 1:
                for (var k = random.Next(1, 4); k > 0; k--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case 2:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            default:
                var garbage = new byte[random.Next(1, 64)];
                random.NextBytes(garbage);
                return [.. bytes.AsSpan(0, random.Next(bytes.Length)), .. garbage];
        }
    }

    private static byte[] Series(byte[] label, byte[] sample) =>
        [0x0A, (byte)(label.Length + sample.Length), .. label, .. sample];

    private static byte[] Label(string name, ReadOnlySpan<byte> value)
    {
        var n = System.Text.Encoding.UTF8.GetBytes(name);
        byte[] inner = [0x0A, (byte)n.Length, .. n, 0x12, (byte)value.Length, .. value];
        return [0x0A, (byte)inner.Length, .. inner];
    }

    private static byte[] Sample() => [0x12, 0x02, 0x10, 0x05];
}
