using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// Prometheus remote read (samples response): a snappy <c>prometheus.ReadRequest</c> in, a snappy
/// <c>prometheus.ReadResponse</c> out. A <c>QueryResult</c> has the wire shape of a
/// <c>WriteRequest</c> (field 1, repeated <c>TimeSeries</c>), so the remote-write encoder writes it.
/// </summary>
public static class RemoteReadCodec
{
    /// <summary>Remote read's response type for whole samples (the only one served).</summary>
    public const int SamplesResponseType = 0;

    /// <summary>Decodes a snappy-compressed <c>ReadRequest</c>.</summary>
    /// <exception cref="RemoteWriteFormatException">Not a valid snappy block or not a <c>ReadRequest</c>.</exception>
    public static RemoteReadRequest DecodeRequest(ReadOnlySpan<byte> snappyBody, int maxDecodedBytes = RemoteWriteCodec.DefaultMaxDecodedBytes)
    {
        var protobuf = SnappyBlock.Decode(snappyBody, maxDecodedBytes);
        var reader = new ProtoReader(protobuf);
        var queries = new List<RemoteReadQuery>();
        var accepted = new List<int>();
        while (!reader.End)
        {
            var at = reader.Offset;
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    ProtoReader.Expect(wire, ProtoWireType.LengthDelimited, "ReadRequest.queries", at);
                    queries.Add(DecodeQuery(reader.ReadLengthDelimited(out var start), start));
                    break;
                case 2 when wire == ProtoWireType.Varint:
                    accepted.Add((int)reader.ReadVarint());
                    break;
                case 2:
                    // Packed repeated enum.
                    ProtoReader.Expect(wire, ProtoWireType.LengthDelimited, "ReadRequest.accepted_response_types", at);
                    var packed = new ProtoReader(reader.ReadLengthDelimited(out var packedStart), packedStart);
                    while (!packed.End)
                    {
                        accepted.Add((int)packed.ReadVarint());
                    }

                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return new RemoteReadRequest(queries, accepted);
    }

    /// <summary>Encodes one <c>QueryResult</c> per query, in order, as a snappy-compressed <c>ReadResponse</c>.</summary>
    public static byte[] EncodeResponse(IReadOnlyList<IReadOnlyList<SeriesSamples>> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var response = new MemoryStream();
        Span<byte> prefix = stackalloc byte[11];
        foreach (var result in results)
        {
            var queryResult = RemoteWriteCodec.EncodeProtobuf(result);
            var writer = new ProtoWriter(prefix);
            writer.WriteByte(0x0a); // field 1, length-delimited
            writer.WriteVarint((ulong)queryResult.Length);
            response.Write(prefix[..writer.Position]);
            response.Write(queryResult);
        }

        return SnappyBlock.Encode(response.GetBuffer().AsSpan(0, (int)response.Length));
    }

    private static RemoteReadQuery DecodeQuery(ReadOnlySpan<byte> data, int offset)
    {
        var reader = new ProtoReader(data, offset);
        long start = 0, end = 0;
        var matchers = new List<LabelMatcher>();
        while (!reader.End)
        {
            var at = reader.Offset;
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    ProtoReader.Expect(wire, ProtoWireType.Varint, "Query.start_timestamp_ms", at);
                    start = (long)reader.ReadVarint();
                    break;
                case 2:
                    ProtoReader.Expect(wire, ProtoWireType.Varint, "Query.end_timestamp_ms", at);
                    end = (long)reader.ReadVarint();
                    break;
                case 3:
                    ProtoReader.Expect(wire, ProtoWireType.LengthDelimited, "Query.matchers", at);
                    matchers.Add(DecodeMatcher(reader.ReadLengthDelimited(out var matcherStart), matcherStart));
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        return new RemoteReadQuery(start, end, matchers);
    }

    private static LabelMatcher DecodeMatcher(ReadOnlySpan<byte> data, int offset)
    {
        var reader = new ProtoReader(data, offset);
        var type = 0;
        string name = string.Empty, value = string.Empty;
        while (!reader.End)
        {
            var at = reader.Offset;
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1:
                    ProtoReader.Expect(wire, ProtoWireType.Varint, "LabelMatcher.type", at);
                    type = (int)reader.ReadVarint();
                    break;
                case 2:
                    ProtoReader.Expect(wire, ProtoWireType.LengthDelimited, "LabelMatcher.name", at);
                    name = Encoding.UTF8.GetString(reader.ReadLengthDelimited(out _));
                    break;
                case 3:
                    ProtoReader.Expect(wire, ProtoWireType.LengthDelimited, "LabelMatcher.value", at);
                    value = Encoding.UTF8.GetString(reader.ReadLengthDelimited(out _));
                    break;
                default:
                    reader.Skip(field, wire);
                    break;
            }
        }

        try
        {
            return type switch
            {
                0 => LabelMatcher.Equal(name, value),
                1 => LabelMatcher.NotEqual(name, value),
                2 => LabelMatcher.RegexMatch(name, value),
                3 => LabelMatcher.RegexNoMatch(name, value),
                _ => throw new RemoteWriteFormatException($"unknown label matcher type {type}", offset),
            };
        }
        catch (ArgumentException ex)
        {
            throw new RemoteWriteFormatException($"invalid matcher {name}: {ex.Message}", ex);
        }
    }
}

/// <summary>A decoded <c>ReadRequest</c>: its queries and the response types the client accepts (empty: samples).</summary>
public sealed record RemoteReadRequest(IReadOnlyList<RemoteReadQuery> Queries, IReadOnlyList<int> AcceptedResponseTypes);

/// <summary>One remote-read query: matchers over [start, end] in milliseconds.</summary>
public sealed record RemoteReadQuery(long StartMs, long EndMs, IReadOnlyList<LabelMatcher> Matchers);
