using System.Text;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Import;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Import;

/// <summary>
/// The importer takes repeated series by their text without lexing labels again; whatever the
/// input, it must store exactly what the full parser reads and fail on the line and with the
/// reason the full parser gives.
/// </summary>
public sealed class OpenMetricsImporterTests : IDisposable
{
    private readonly TempDirectory _work = new("sm-importer-");

    public static TheoryData<string, string> Inputs => new()
    {
        { "interleaved repeats", "# TYPE a gauge\na{x=\"1\"} 1 1\na{x=\"2\"} 2 1\na{x=\"1\"} 3 2\na{x=\"2\"} 4 2\na{x=\"1\"} 5 3\n# EOF\n" },
        { "special values", "# TYPE a gauge\na 1 1\na NaN 2\na +Inf 3\na -Inf 4\na -0.0 5\na 0x1p-2 6\na 1e308 7\na 1_000 8\n# EOF\n" },
        { "fractional and negative timestamps", "# TYPE a gauge\na 1 1.5\na 2 -3.25\na 3 1700000000.123\na 4 1e3\n# EOF\n" },
        { "space in a label value", "# TYPE a gauge\na{x=\"p q\"} 1 1\na{x=\"p q\"} 2 2\na{x=\"p\"} 3 3\n# EOF\n" },
        { "escapes in a label value", "# TYPE a gauge\na{x=\"\\\"q\\\\\"} 1 1\na{x=\"\\\"q\\\\\"} 2 2\n# EOF\n" },
        { "exemplar on a repeat", "# TYPE a counter\na_total{x=\"1\"} 1 1\na_total{x=\"1\"} 2 2 # {trace_id=\"t\"} 1 2\na_total{x=\"1\"} 3 3\n# EOF\n" },
        { "same text under a later family", "# TYPE a gauge\na 1 1\n# TYPE b gauge\nb 1 1\na 2 2\na 3 3\n# EOF\n" },
        { "counter created series repeated", "# TYPE a counter\na_total 1 1\na_created 1 1\na_total 2 2\na_created 1 2\n# EOF\n" },
        { "no timestamp on a repeat", "# TYPE a gauge\na{x=\"1\"} 1 1\na{x=\"1\"} 2\n# EOF\n" },
        { "bad value on a repeat", "# TYPE a gauge\na 1 1\na 1x 2\n# EOF\n" },
        { "bad timestamp on a repeat", "# TYPE a gauge\na 1 1\na 2 2x\n# EOF\n" },
        { "infinite timestamp on a repeat", "# TYPE a gauge\na 1 1\na 2 +Inf\n# EOF\n" },
        { "two spaces on a repeat", "# TYPE a gauge\na 1 1\na  2 2\n# EOF\n" },
        { "trailing space on a repeat", "# TYPE a gauge\na 1 1\na 2 2 \n# EOF\n" },
        { "missing EOF after repeats", "# TYPE a gauge\na 1 1\na 2 2\n" },
        { "data after EOF", "# TYPE a gauge\na 1 1\n# EOF\na 2 2\n" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Stores_what_the_full_parser_reads_or_fails_where_it_fails(string name, string text)
    {
        var (expected, expectedError) = Reference(text);
        var engine = await StorageEngine.OpenAsync(new LocalDiskStorageProvider(_work.Combine(name.Replace(' ', '-'))));
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var importer = new OpenMetricsImporter(engine, new ImportOptions { Compact = false });

        if (expectedError is { } error)
        {
            var ex = await Assert.ThrowsAsync<ImportException>(() => importer.ImportAsync(input, name));
            Assert.Equal(error, (ex.Line, ex.Reason));
            return;
        }

        var result = await importer.ImportAsync(input, name);
        Assert.Equal(expected.Values.Sum(s => s.Count), result.Samples);
        var selection = await engine.SelectAsync([LabelMatcher.RegexMatch("__name__", ".+")], long.MinValue, long.MaxValue);
        var stored = selection.Series.ToDictionary(s => s.Labels.ToString(), s => s.ToArray());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
        foreach (var (series, samples) in expected)
        {
            var sorted = samples.OrderBy(s => s.TimestampMs).Select(s => (s.TimestampMs, BitConverter.DoubleToInt64Bits(s.Value)));
            Assert.Equal(sorted, stored[series].Select(s => (s.TimestampMs, BitConverter.DoubleToInt64Bits(s.Value))));
        }
    }

    /// <summary>What the full parser reads (every line lexed), or its first error as the importer words it.</summary>
    private static (Dictionary<string, List<Sample>> Samples, (int Line, string Reason)? Error) Reference(string text)
    {
        var parser = new OpenMetricsTextParser(Encoding.UTF8.GetBytes(text));
        var samples = new Dictionary<string, List<Sample>>(StringComparer.Ordinal);
        try
        {
            while (parser.Next() != ExpositionEntry.Eof)
            {
                if (parser.Entry != ExpositionEntry.Series)
                {
                    continue;
                }

                if (parser.Timestamp is not { } ts)
                {
                    return (samples, (parser.Line, $"expected timestamp for series {Encoding.UTF8.GetString(parser.Series)}, got none"));
                }

                var key = parser.GetLabelSet().ToString();
                if (!samples.TryGetValue(key, out var list))
                {
                    samples[key] = list = [];
                }

                list.Add(new Sample(ts, parser.Value));
            }
        }
        catch (ExpositionParseException ex)
        {
            return (samples, (ex.Line, ex.Reason));
        }

        return (samples, null);
    }

    public void Dispose() => _work.Dispose();
}
