using System.Globalization;
using System.Text.Json;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>An HTTP API answer: status code and body.</summary>
public sealed record ApiAnswer(int StatusCode, string Body);

/// <summary>
/// Compares two Prometheus API answers the way clients read them: same status code, status and
/// error type; same result type; the same label sets (in the same order when the query sorts);
/// equal timestamps; sample values equal within <see cref="RelativeTolerance"/> (NaN equals NaN,
/// infinities exactly). Returns null when they agree, else what differs.
/// </summary>
public static class ApiAnswerComparer
{
    public const double RelativeTolerance = 1e-9;

    /// <summary>Below this both values count as zero (sums that cancel leave rounding noise only).</summary>
    public const double AbsoluteTolerance = 1e-12;

    public static string? CompareQuery(ApiAnswer expected, ApiAnswer actual, bool ordered)
    {
        if (expected.StatusCode != actual.StatusCode)
        {
            return $"status {actual.StatusCode.ToString(CultureInfo.InvariantCulture)}, Prometheus {expected.StatusCode.ToString(CultureInfo.InvariantCulture)}: ours {Short(actual.Body)} / Prometheus {Short(expected.Body)}";
        }

        using var e = JsonDocument.Parse(expected.Body);
        using var a = JsonDocument.Parse(actual.Body);
        var er = e.RootElement;
        var ar = a.RootElement;
        if (Str(er, "status") != Str(ar, "status") || Str(er, "errorType") != Str(ar, "errorType"))
        {
            return $"ours {Short(actual.Body)} / Prometheus {Short(expected.Body)}";
        }

        if (Str(er, "status") == "error")
        {
            return null;
        }

        var ed = er.GetProperty("data");
        var ad = ar.GetProperty("data");
        var type = Str(ed, "resultType");
        if (type != Str(ad, "resultType"))
        {
            return $"resultType {Str(ad, "resultType")}, Prometheus {type}";
        }

        var eres = ed.GetProperty("result");
        var ares = ad.GetProperty("result");
        switch (type)
        {
            case "scalar":
                return ComparePoint(eres, ares, "scalar");
            case "string":
                return eres[0].GetDecimal() == ares[0].GetDecimal() && eres[1].GetString() == ares[1].GetString() ? null : $"string {ares} / {eres}";
            default:
                return CompareSeries(eres, ares, type == "matrix" ? "values" : "value", ordered);
        }
    }

    /// <summary>Series lists (<c>/api/v1/series</c>) or string lists (labels, label values): the same items.</summary>
    public static string? CompareList(ApiAnswer expected, ApiAnswer actual)
    {
        if (expected.StatusCode != actual.StatusCode)
        {
            return $"status {actual.StatusCode.ToString(CultureInfo.InvariantCulture)}, Prometheus {expected.StatusCode.ToString(CultureInfo.InvariantCulture)}: {Short(actual.Body)}";
        }

        using var e = JsonDocument.Parse(expected.Body);
        using var a = JsonDocument.Parse(actual.Body);
        if (Str(e.RootElement, "status") == "error" || Str(a.RootElement, "status") == "error")
        {
            return ErrorText(e.RootElement) == ErrorText(a.RootElement) ? null : $"ours {Short(actual.Body)} / Prometheus {Short(expected.Body)}";
        }

        var ed = e.RootElement.GetProperty("data").EnumerateArray().Select(Canonical).ToList();
        var ad = a.RootElement.GetProperty("data").EnumerateArray().Select(Canonical).ToList();
        if (ed.SequenceEqual(ad, StringComparer.Ordinal))
        {
            return null;
        }

        var missing = ed.Except(ad, StringComparer.Ordinal).Take(5).ToList();
        var extra = ad.Except(ed, StringComparer.Ordinal).Take(5).ToList();
        return $"{ad.Count.ToString(CultureInfo.InvariantCulture)} items, Prometheus {ed.Count.ToString(CultureInfo.InvariantCulture)}; missing [{string.Join(", ", missing)}], extra [{string.Join(", ", extra)}]"
            + (missing.Count == 0 && extra.Count == 0 ? " (order differs)" : string.Empty);
    }

    /// <summary>The error type and text of an error answer (null for a success).</summary>
    public static string? ErrorText(ApiAnswer answer)
    {
        using var document = JsonDocument.Parse(answer.Body);
        return ErrorText(document.RootElement);
    }

    public static bool ValuesAgree(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            return double.IsNaN(expected) && double.IsNaN(actual);
        }

        if (double.IsInfinity(expected) || double.IsInfinity(actual) || expected == actual)
        {
            return expected == actual;
        }

        var scale = Math.Max(Math.Abs(expected), Math.Abs(actual));
        return scale < AbsoluteTolerance || Math.Abs(expected - actual) <= RelativeTolerance * scale;
    }

    private static string? CompareSeries(JsonElement expected, JsonElement actual, string pointsName, bool ordered)
    {
        var e = expected.EnumerateArray().Select(s => (Key: Canonical(s.GetProperty("metric")), Series: s)).ToList();
        var a = actual.EnumerateArray().Select(s => (Key: Canonical(s.GetProperty("metric")), Series: s)).ToList();
        var eKeys = e.Select(x => x.Key).ToList();
        var aKeys = a.Select(x => x.Key).ToList();
        if (!eKeys.Order(StringComparer.Ordinal).SequenceEqual(aKeys.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            var missing = eKeys.Except(aKeys, StringComparer.Ordinal).Take(3);
            var extra = aKeys.Except(eKeys, StringComparer.Ordinal).Take(3);
            return $"{a.Count.ToString(CultureInfo.InvariantCulture)} series, Prometheus {e.Count.ToString(CultureInfo.InvariantCulture)}; missing [{string.Join(", ", missing)}], extra [{string.Join(", ", extra)}]";
        }

        if (ordered && !eKeys.SequenceEqual(aKeys, StringComparer.Ordinal))
        {
            return $"order [{string.Join(", ", aKeys.Take(4))}…], Prometheus [{string.Join(", ", eKeys.Take(4))}…]";
        }

        var byKey = a.ToDictionary(x => x.Key, x => x.Series, StringComparer.Ordinal);
        foreach (var (key, series) in e)
        {
            var ours = byKey[key];
            if (pointsName == "value")
            {
                if (ComparePoint(series.GetProperty("value"), ours.GetProperty("value"), key) is { } problem)
                {
                    return problem;
                }

                continue;
            }

            var ep = series.GetProperty("values").EnumerateArray().ToList();
            var ap = ours.GetProperty("values").EnumerateArray().ToList();
            if (ep.Count != ap.Count)
            {
                return $"{key}: {ap.Count.ToString(CultureInfo.InvariantCulture)} points, Prometheus {ep.Count.ToString(CultureInfo.InvariantCulture)} (ours from {First(ap)}, Prometheus from {First(ep)})";
            }

            for (var i = 0; i < ep.Count; i++)
            {
                if (ComparePoint(ep[i], ap[i], key) is { } problem)
                {
                    return problem;
                }
            }
        }

        return null;
    }

    private static string First(List<JsonElement> points) => points.Count == 0 ? "-" : points[0][0].GetRawText();

    private static string? ComparePoint(JsonElement expected, JsonElement actual, string what)
    {
        if (expected[0].GetDecimal() != actual[0].GetDecimal())
        {
            return $"{what}: timestamp {actual[0].GetRawText()}, Prometheus {expected[0].GetRawText()}";
        }

        var ev = ParseValue(expected[1].GetString()!);
        var av = ParseValue(actual[1].GetString()!);
        return ValuesAgree(ev, av) ? null : $"{what} @{expected[0].GetRawText()}: {actual[1].GetString()}, Prometheus {expected[1].GetString()}";
    }

    private static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>A label set as sorted name=value pairs (or a string as itself).</summary>
    private static string Canonical(JsonElement element) => element.ValueKind == JsonValueKind.String
        ? element.GetString()!
        : "{" + string.Join(",", element.EnumerateObject().Select(p => $"{p.Name}=\"{p.Value.GetString()}\"").Order(StringComparer.Ordinal)) + "}";

    private static string? ErrorText(JsonElement root) =>
        Str(root, "status") == "error" ? $"{Str(root, "errorType")}: {Str(root, "error")}" : null;

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Short(string body) => body.Length > 300 ? body[..300] + "…" : body;
}
