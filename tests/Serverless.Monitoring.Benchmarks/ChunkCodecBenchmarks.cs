using BenchmarkDotNet.Attributes;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Benchmarks;

/// <summary>
/// XOR chunk encode and decode rates on realistic series, one operation per sample, so
/// samples per second = 1e9 / (ns per op). Targets: decode ≥ 150 M/s, encode ≥ 40 M/s per core.
/// </summary>
[MemoryDiagnoser]
public class ChunkCodecBenchmarks
{
    private const int SamplesPerChunk = 120;
    private const int Chunks = 100;
    private const int SampleCount = SamplesPerChunk * Chunks;

    private readonly long[] _timestamps = new long[SampleCount];
    private readonly double[] _values = new double[SampleCount];
    private readonly XorChunkEncoder _encoder = new();
    private byte[][] _chunks = [];
    private XorChunkIterator _iterator = null!;

    /// <summary>
    /// counter: a request counter growing by small integer steps, scraped every 15 s with a few
    /// ms of jitter. gauge: a temperature-like reading with two decimals, same schedule.
    /// </summary>
    [Params("counter", "gauge")]
    public string Series { get; set; } = "counter";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(15);
        var t = 1_700_000_000_000L;
        var counter = 0.0;
        var gauge = 42.0;
        for (var i = 0; i < SampleCount; i++)
        {
            t += 15_000 + random.Next(-5, 6);
            _timestamps[i] = t;
            if (Series == "counter")
            {
                counter += random.Next(0, 4) == 0 ? 0 : random.Next(1, 20);
                _values[i] = counter;
            }
            else
            {
                gauge = Math.Clamp(gauge + ((random.NextDouble() - 0.5) * 0.8), 20, 80);
                _values[i] = Math.Round(gauge, 2);
            }
        }

        _chunks = new byte[Chunks][];
        for (var c = 0; c < Chunks; c++)
        {
            _encoder.Reset();
            for (var i = c * SamplesPerChunk; i < (c + 1) * SamplesPerChunk; i++)
            {
                _encoder.Append(_timestamps[i], _values[i]);
            }

            _chunks[c] = _encoder.ToArray();
        }

        _iterator = new XorChunkIterator(_chunks[0]);
    }

    [Benchmark(OperationsPerInvoke = SampleCount)]
    public int Encode()
    {
        var bytes = 0;
        var encoder = _encoder;
        for (var c = 0; c < Chunks; c++)
        {
            encoder.Reset();
            var end = (c + 1) * SamplesPerChunk;
            for (var i = c * SamplesPerChunk; i < end; i++)
            {
                encoder.Append(_timestamps[i], _values[i]);
            }

            bytes += encoder.ByteCount;
        }

        return bytes;
    }

    [Benchmark(OperationsPerInvoke = SampleCount)]
    public double Decode()
    {
        var sum = 0.0;
        long last = 0;
        var it = _iterator;
        foreach (var chunk in _chunks)
        {
            it.Reset(chunk);
            while (it.MoveNext())
            {
                sum += it.Value;
                last = it.Timestamp;
            }
        }

        return sum + last;
    }
}
