using System.Globalization;
using BenchmarkDotNet.Attributes;
using Serverless.Monitoring.Core.Text;

namespace Serverless.Monitoring.Benchmarks.PromQL;

/// <summary>
/// Formatting sample values for query responses: the runtime's shortest round-trip format
/// (<c>"R"</c>, what the JSON writer used before) against <see cref="GoFloatFormatter"/>.
/// 4,096 values shaped like the <c>irate</c>/<c>rate</c> results of the benchmark queries
/// (a few integer digits, then 13 to 16 significant digits); one operation formats all of them.
/// </summary>
[MemoryDiagnoser]
public class ValueFormatBenchmarks
{
    private readonly byte[] _buffer = new byte[GoFloatFormatter.MaxLength];
    private double[] _values = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _values = new double[4096];
        for (var i = 0; i < _values.Length; i++)
        {
            _values[i] = random.Next(1, 100_000) / 15.0 * (1 + random.NextDouble());
        }
    }

    [Benchmark(Baseline = true, Description = "runtime \"R\" (4,096 values)")]
    public int Runtime()
    {
        var total = 0;
        foreach (var value in _values)
        {
            value.TryFormat(_buffer, out var written, "R", CultureInfo.InvariantCulture);
            total += written;
        }

        return total;
    }

    [Benchmark(Description = "GoFloatFormatter 'f' (4,096 values)")]
    public int Go()
    {
        var total = 0;
        foreach (var value in _values)
        {
            total += GoFloatFormatter.Format(value, 'f', _buffer);
        }

        return total;
    }

    [Benchmark(Description = "ShortestDecimal only (4,096 values)")]
    public ulong Digits()
    {
        var total = 0UL;
        foreach (var value in _values)
        {
            total += ShortestDecimal.Of(value).Significand;
        }

        return total;
    }
}
