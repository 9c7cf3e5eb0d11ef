using System.Globalization;
using System.Text.Json;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Benchmarks.PromQL;

/// <summary>A query API response's result as series by label set (a scalar is one series without labels).</summary>
internal sealed record ApiResultSet(string Type, Dictionary<LabelSet, List<(long T, double V)>> Series)
{
    private const double Tolerance = 1e-9;

    public static ApiResultSet Parse(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var data = json.RootElement.GetProperty("data");
        var type = data.GetProperty("resultType").GetString() ?? "";
        var result = data.GetProperty("result");
        var series = new Dictionary<LabelSet, List<(long T, double V)>>();
        if (type is "scalar" or "string")
        {
            series[LabelSet.FromDictionary([])] = [Point(result)];
            return new ApiResultSet(type, series);
        }

        foreach (var s in result.EnumerateArray())
        {
            var labels = LabelSet.FromDictionary(s.GetProperty("metric").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)));
            series[labels] = type == "matrix"
                ? s.GetProperty("values").EnumerateArray().Select(Point).ToList()
                : [Point(s.GetProperty("value"))];
        }

        return new ApiResultSet(type, series);
    }

    /// <summary>"ok", or a mismatch marker saying what differs first.</summary>
    public static string Compare(ApiResultSet ours, ApiResultSet theirs)
    {
        if (ours.Type != theirs.Type)
        {
            return $"MISMATCH type {ours.Type} vs {theirs.Type}";
        }

        if (ours.Series.Count != theirs.Series.Count)
        {
            return string.Create(CultureInfo.InvariantCulture, $"MISMATCH series {ours.Series.Count} vs {theirs.Series.Count}");
        }

        foreach (var (labels, mine) in ours.Series)
        {
            if (!theirs.Series.TryGetValue(labels, out var points))
            {
                return $"MISMATCH labels {labels} not in Prometheus's result";
            }

            if (points.Count != mine.Count)
            {
                return string.Create(CultureInfo.InvariantCulture, $"MISMATCH {labels}: {mine.Count} vs {points.Count} points");
            }

            for (var i = 0; i < points.Count; i++)
            {
                if (points[i].T != mine[i].T || !Close(mine[i].V, points[i].V))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"MISMATCH {labels} at {points[i].T}: {mine[i].T}={mine[i].V:R} vs {points[i].V:R}");
                }
            }
        }

        return "ok";
    }

    private static (long T, double V) Point(JsonElement pair) => ((long)Math.Round(pair[0].GetDouble() * 1000), ParseValue(pair[1]));

    private static double ParseValue(JsonElement value) => value.GetString() switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var s => double.Parse(s!, CultureInfo.InvariantCulture),
    };

    private static bool Close(double a, double b) =>
        a.Equals(b) || Math.Abs(a - b) <= Tolerance * Math.Max(Math.Abs(a), Math.Abs(b));
}
