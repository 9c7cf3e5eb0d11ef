using System.Globalization;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// A test group's <c>input_series</c> loaded as promtool loads them (a <c>load</c> command handed to
/// upstream's lazy loader): each series on its own line of that command, so a line that is empty
/// or starts with <c>#</c> ends the input there; a later series with the same labels replaces an
/// earlier one; value <c>i</c> is at <c>i × interval</c>, <c>_</c> adds nothing, <c>stale</c> a
/// staleness marker. Samples reach the storage lazily, up to each evaluation time.
/// </summary>
internal sealed class InputSeriesLoader
{
    private readonly List<Pending> _series;

    private InputSeriesLoader(List<Pending> series)
    {
        _series = series;
    }

    /// <summary>Parses the series; <paramref name="interval"/> is the step between two values.</summary>
    /// <exception cref="PromQLParseException">A series line does not parse (<c>1:COL: parse error: …</c>, the column in the line).</exception>
    public static InputSeriesLoader Parse(IReadOnlyList<InputSeries> inputSeries, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(inputSeries);
        var stepMs = (long)interval.TotalMilliseconds;
        var byLabels = new Dictionary<LabelSet, Pending>();
        foreach (var line in Lines(inputSeries))
        {
            if (line.Length == 0)
            {
                break;
            }

            var (labels, values) = SeriesDescription.Parse(line);
            var samples = new List<Sample>(values.Count);
            for (var i = 0; i < values.Count; i++)
            {
                if (!values[i].Omitted)
                {
                    samples.Add(new Sample(i * stepMs, values[i].Value));
                }
            }

            byLabels[labels] = new Pending(labels, samples);
        }

        return new InputSeriesLoader([.. byLabels.Values]);
    }

    /// <summary>Adds to <paramref name="storage"/> every sample not yet added at or before <paramref name="timestampMs"/>.</summary>
    public void AppendUntil(long timestampMs, InMemorySeriesSource storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        foreach (var series in _series)
        {
            while (series.Next < series.Samples.Count && series.Samples[series.Next].TimestampMs <= timestampMs)
            {
                var sample = series.Samples[series.Next++];
                storage.Add(series.Labels, sample.TimestampMs, sample.Value);
            }
        }
    }

    /// <summary>The lines after upstream's <c>load</c> line, trimmed, comments blanked (its <c>getLines</c>).</summary>
    private static IEnumerable<string> Lines(IReadOnlyList<InputSeries> inputSeries)
    {
        var text = string.Concat(inputSeries.Select(s => string.Create(CultureInfo.InvariantCulture, $"  {s.Series} {s.Values}\n")));
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            yield return line.StartsWith('#') ? string.Empty : line;
        }
    }

    private sealed class Pending(LabelSet labels, List<Sample> samples)
    {
        public LabelSet Labels { get; } = labels;

        public List<Sample> Samples { get; } = samples;

        public int Next { get; set; }
    }
}
