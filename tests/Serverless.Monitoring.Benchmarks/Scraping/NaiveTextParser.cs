using System.Globalization;
using System.Text;

namespace Serverless.Monitoring.Benchmarks.Scraping;

/// <summary>
/// The 1-core baseline for the text-format target: how the format is parsed without care for
/// speed (the payload decoded to a string, <c>string.Split</c> into lines, each sample line cut
/// at its last <c>}</c> or first space, the value and optional timestamp split on spaces and
/// parsed with <c>double.Parse</c>). Yields what <see cref="ExpositionParserBenchmarks.Samples"/>
/// yields: the series text, value and timestamp of every sample. No escaping or validation,
/// so it does less than the real parser; it is a floor, not a rival implementation.
/// </summary>
public static class NaiveTextParser
{
    /// <summary>Parses every sample of <paramref name="payload"/> and calls <paramref name="onSample"/>.</summary>
    public static int Parse(byte[] payload, Action<string, double, long?> onSample)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(onSample);
        var count = 0;
        foreach (var line in Encoding.UTF8.GetString(payload).Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var close = line.LastIndexOf('}');
            var seriesEnd = close >= 0 ? close + 1 : line.IndexOf(' ', StringComparison.Ordinal);
            var series = line[..seriesEnd];
            var rest = line[seriesEnd..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var value = ParseValue(rest[0]);
            long? timestamp = rest.Length > 1 ? long.Parse(rest[1], CultureInfo.InvariantCulture) : null;
            onSample(series, value, timestamp);
            count++;
        }

        return count;
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
