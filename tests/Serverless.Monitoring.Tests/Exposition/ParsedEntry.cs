using System.Text;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Exposition;

/// <summary>
/// One parsed entry in comparable form, like upstream textparse tests' <c>parsedEntry</c>:
/// <see cref="M"/> is the raw series for samples and the metric name for metadata.
/// </summary>
internal sealed record ParsedEntry(
    ExpositionEntry Kind,
    string M,
    double Value = 0,
    long? Timestamp = null,
    LabelSet? Labels = null,
    Exemplar? Exemplar = null,
    string? Text = null,
    MetricFamilyType Type = MetricFamilyType.Unknown)
{
    public static ParsedEntry Help(string name, string text) => new(ExpositionEntry.Help, name, Text: text);

    public static ParsedEntry TypeOf(string name, MetricFamilyType type) => new(ExpositionEntry.Type, name, Type: type);

    public static ParsedEntry Unit(string name, string unit) => new(ExpositionEntry.Unit, name, Text: unit);

    public static ParsedEntry Comment(string text) => new(ExpositionEntry.Comment, string.Empty, Text: text);

    public static ParsedEntry Series(string series, double value, LabelSet labels, long? timestamp = null, Exemplar? exemplar = null) =>
        new(ExpositionEntry.Series, series, value, timestamp, labels, exemplar);

    /// <summary>Reads every entry up to the end; parse errors propagate.</summary>
    public static List<ParsedEntry> ParseAll(ExpositionParser parser)
    {
        var entries = new List<ParsedEntry>();
        while (true)
        {
            var kind = parser.Next();
            switch (kind)
            {
                case ExpositionEntry.Eof:
                    return entries;
                case ExpositionEntry.Series:
                    entries.Add(Series(
                        Encoding.UTF8.GetString(parser.Series),
                        parser.Value,
                        parser.GetLabelSet(),
                        parser.Timestamp,
                        parser.TryGetExemplar(out var exemplar) ? exemplar : null));
                    break;
                case ExpositionEntry.Help:
                    entries.Add(Help(parser.GetMetricName(), parser.GetHelp()));
                    break;
                case ExpositionEntry.Type:
                    entries.Add(TypeOf(parser.GetMetricName(), parser.Type));
                    break;
                case ExpositionEntry.Unit:
                    entries.Add(Unit(parser.GetMetricName(), Encoding.UTF8.GetString(parser.Unit)));
                    break;
                case ExpositionEntry.Comment:
                    entries.Add(Comment(Encoding.UTF8.GetString(parser.Comment)));
                    break;
                default:
                    throw new InvalidOperationException($"unexpected entry {kind}");
            }
        }
    }

    /// <summary>Parses until the parser fails and returns its reason; fails the test when it does not.</summary>
    public static string ParseError(ExpositionParser parser)
    {
        var e = Assert.Throws<ExpositionParseException>(() =>
        {
            while (parser.Next() != ExpositionEntry.Eof)
            {
            }
        });
        return e.Reason;
    }

    /// <summary>Asserts entry by entry, so a failure names the first difference.</summary>
    public static void AssertEntries(IReadOnlyList<ParsedEntry> expected, IReadOnlyList<ParsedEntry> actual)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            Assert.True(expected[i] == actual[i], $"entry {i}:\nexpected {expected[i]}\nactual   {actual[i]}");
        }

        Assert.Equal(expected.Count, actual.Count);
    }

    public static LabelSet L(params string[] pairs) => LabelSet.FromStrings(pairs);
}
