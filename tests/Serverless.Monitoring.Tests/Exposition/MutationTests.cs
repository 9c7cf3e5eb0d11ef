using System.Text;
using Serverless.Monitoring.Core.Exposition;
using Xunit.Abstractions;

namespace Serverless.Monitoring.Tests.Exposition;

/// <summary>
/// Feeds thousands of randomly corrupted real payloads (seeded, so a failure reproduces) to
/// both parsers: each must parse or throw <see cref="ExpositionParseException"/>, never
/// another exception, and finish within a number of entries bounded by the input length.
/// </summary>
public sealed class MutationTests(ITestOutputHelper output)
{
    private const int Seed = 20261122;
    private const int MutationsPerPayload = 2500;

    /// <summary>Bytes that matter to the lexers, so mutations hit interesting states often.</summary>
    private static readonly byte[] Interesting = "\"\\{}=,# \n\t\0\r:_.-+eEpxn0159aZ"u8.ToArray().Append((byte)0xff).Append((byte)0xc3).ToArray();

    /// <summary>OpenMetrics features the exporter payloads lack: exemplars, UNIT, quoted names, stateset, info.</summary>
    private static readonly byte[] Features = Encoding.UTF8.GetBytes(
        """
        # HELP "my.metric" A metric with a "quoted" \\ name.\n
        # TYPE "my.metric" counter
        # UNIT "my.metric" seconds
        {"my.metric_total","label.name"="v",le="1"} 17.0 1520879607.789 # {trace_id="abc"} 1.5 1520879607.7
        {"my.metric_created"} 1520872607.123
        # TYPE hist_seconds histogram
        hist_seconds_bucket{le="0.1"} 1 # {trace_id="x\"y"} 0.05
        hist_seconds_bucket{le="+Inf"} 2
        hist_seconds_count 2
        hist_seconds_sum 0.3
        # TYPE st stateset
        st{st="a"} 1
        st{st="b"} 0
        # TYPE build info
        build_info{version="1.0",revision="é\n"} 1
        # TYPE g gaugehistogram
        g_bucket{le="+Inf"} NaN 1.5
        g_gcount -Inf
        # EOF

        """);

    [Fact]
    public async Task Corrupted_payloads_parse_or_fail_with_a_parse_exception()
    {
        var seeds = Payloads.All.Select(Payloads.Read).Append(Features).ToList();
        var stats = await Task.Run(() => Run(seeds)).WaitAsync(TimeSpan.FromMinutes(3));
        output.WriteLine($"{stats.Parsed} parses completed, {stats.Failed} failed with ExpositionParseException, {stats.Samples} samples read");

        // Both outcomes must be common, or the mutations are too weak or too strong to test anything.
        Assert.True(stats.Parsed > 1000, $"only {stats.Parsed} mutated payloads parsed");
        Assert.True(stats.Failed > 1000, $"only {stats.Failed} mutated payloads failed");
    }

    [Fact]
    public void Every_prefix_of_a_payload_parses_or_fails_cleanly()
    {
        foreach (var payload in Payloads.All.Select(Payloads.Read).Append(Features))
        {
            // About 500 cut points per payload, including inside every kind of token.
            var step = Math.Max(1, payload.Length / 500);
            for (var length = 0; length <= payload.Length; length += step)
            {
                var prefix = payload.AsMemory(0, length);
                Drain(new PrometheusTextParser(prefix), length, "prefix", length);
                Drain(new OpenMetricsTextParser(prefix), length, "prefix", length);
            }
        }
    }

    private static Stats Run(List<byte[]> seeds)
    {
        var random = new Random(Seed);
        var stats = new Stats();
        for (var s = 0; s < seeds.Count; s++)
        {
            for (var i = 0; i < MutationsPerPayload; i++)
            {
                var mutated = Mutate(seeds[s], random);
                var where = $"seed payload {s}, mutation {i}";
                foreach (var parser in new ExpositionParser[] { new PrometheusTextParser(mutated), new OpenMetricsTextParser(mutated) })
                {
                    var (ok, samples) = Drain(parser, mutated.Length, where, i);
                    stats.Samples += samples;
                    if (ok)
                    {
                        stats.Parsed++;
                    }
                    else
                    {
                        stats.Failed++;
                    }
                }
            }
        }

        return stats;
    }

    /// <summary>Reads everything, touching every accessor; true when the payload parsed.</summary>
    private static (bool Ok, int Samples) Drain(ExpositionParser parser, int inputLength, string where, int index)
    {
        var samples = 0;
        var entries = 0;
        try
        {
            while (true)
            {
                var entry = parser.Next();
                if (++entries > inputLength + 2)
                {
                    Assert.Fail($"{parser.Format} parser made no progress ({where}, {index})");
                }

                switch (entry)
                {
                    case ExpositionEntry.Eof:
                        return (true, samples);
                    case ExpositionEntry.Series:
                        samples++;
                        _ = parser.Series.Length + parser.Value + (parser.Timestamp ?? 0);
                        _ = parser.TryGetLabelSet(out _, out _);
                        _ = parser.GetMetricName();
                        for (var l = 0; l < parser.LabelCount; l++)
                        {
                            _ = parser.GetRawLabelName(l).Length + parser.GetRawLabelValue(l).Length;
                        }

                        _ = parser.TryGetExemplar(out _);
                        _ = parser.GetLabelSet();
                        break;
                    case ExpositionEntry.Help:
                        _ = parser.GetMetricName() + parser.GetHelp();
                        break;
                    case ExpositionEntry.Type:
                        _ = parser.GetMetricName() + parser.Type;
                        break;
                    case ExpositionEntry.Unit:
                        _ = parser.GetMetricName() + Encoding.UTF8.GetString(parser.Unit);
                        break;
                    case ExpositionEntry.Comment:
                        _ = parser.Comment.Length;
                        break;
                }
            }
        }
        catch (ExpositionParseException e)
        {
            Assert.True(e.Line >= 1, $"no line in \"{e.Message}\" ({where}, {index})");
            Assert.False(string.IsNullOrEmpty(e.Reason));
            return (false, samples);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{parser.Format} parser threw {e.GetType().Name} ({where}, {index}): {e}\ninput: {Encoding.Latin1.GetString(parser.Input.Span)}");
            throw;
        }
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var data = new List<byte>(source);
        var operations = random.Next(1, 4);
        for (var op = 0; op < operations && data.Count > 0; op++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(9))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = Interesting[random.Next(Interesting.Length)];
                    break;
                case 2:
                    data.Insert(at, Interesting[random.Next(Interesting.Length)]);
                    break;
                case 3:
                    data.RemoveRange(at, Math.Min(random.Next(1, 9), data.Count - at));
                    break;
                case 4:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 5:
                {
                    var (start, end) = LineAround(data, at);
                    var line = data.GetRange(start, end - start);
                    data.InsertRange(LineAround(data, random.Next(data.Count)).Start, line);
                    break;
                }

                case 6:
                {
                    var (start, end) = LineAround(data, at);
                    data.RemoveRange(start, end - start);
                    break;
                }

                case 7:
                    data[at] = (byte)random.Next(256);
                    break;
                default:
                {
                    // Repeat a short run of bytes (doubled quotes, braces, escapes...).
                    var length = Math.Min(random.Next(1, 6), data.Count - at);
                    data.InsertRange(at, data.GetRange(at, length));
                    break;
                }
            }
        }

        return data.ToArray();
    }

    /// <summary>The line containing <paramref name="at"/>, with its newline.</summary>
    private static (int Start, int End) LineAround(List<byte> data, int at)
    {
        var start = at;
        while (start > 0 && data[start - 1] != '\n')
        {
            start--;
        }

        var end = at;
        while (end < data.Count && data[end] != '\n')
        {
            end++;
        }

        return (start, Math.Min(end + 1, data.Count));
    }

    private sealed class Stats
    {
        public int Parsed { get; set; }

        public int Failed { get; set; }

        public long Samples { get; set; }
    }
}
