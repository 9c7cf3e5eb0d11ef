using BenchmarkDotNet.Attributes;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Tests.Bus;

namespace Serverless.Monitoring.Benchmarks;

/// <summary>
/// The sample bus's codec on one node_exporter-like scrape of 500 series (one sample each,
/// 5 labels): protobuf only, protobuf + snappy, decode, and cutting into Storage Queue
/// messages (48 KiB). One operation is one scrape.
/// </summary>
[MemoryDiagnoser]
public class BusCodecBenchmarks
{
    private SeriesSamples[] _scrape = [];
    private byte[] _body = [];
    private SampleMessageBuilder _builder = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scrape = BusTestData.Scrape(500);
        _body = RemoteWriteCodec.Encode(_scrape);
        _builder = new SampleMessageBuilder(49152);
    }

    [Benchmark(Description = "encode protobuf")]
    public byte[] EncodeProtobuf() => RemoteWriteCodec.EncodeProtobuf(_scrape);

    [Benchmark(Description = "encode protobuf + snappy")]
    public byte[] Encode() => RemoteWriteCodec.Encode(_scrape);

    [Benchmark(Description = "decode snappy + protobuf")]
    public RemoteWriteRequest Decode() => RemoteWriteCodec.Decode(_body);

    [Benchmark(Description = "cut into 48 KiB messages")]
    public SampleMessages Build() => _builder.Build(_scrape);
}
