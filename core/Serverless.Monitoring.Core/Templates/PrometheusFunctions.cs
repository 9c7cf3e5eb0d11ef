using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// Prometheus's template functions (<c>template/template.go</c> and prometheus/common's
/// <c>helpers/templates</c>, Prometheus 3): one table of name → implementation, with upstream's
/// Go signatures, number formatting and error texts. Functions that need the evaluation context
/// (<c>query</c>, <c>now</c>, <c>externalURL</c>, <c>pathPrefix</c>) read it from the
/// <see cref="PrometheusTemplateState"/> the template runs with.
/// </summary>
public static class PrometheusFunctions
{
    private const string NilPointer = "runtime error: invalid memory address or nil pointer dereference";

    private static readonly GoType S = GoType.GoString;
    private static readonly GoType Any = GoType.Any;
    private static readonly GoType Sample = TemplateSample.SamplePointerType;
    private static readonly GoType Result = TemplateSample.QueryResultType;

    /// <summary><c>html/template.HTML</c>, what <c>safeHtml</c> returns.</summary>
    public static GoType HtmlType { get; } = new("template.HTML", GoKind.String, zero: string.Empty);

    /// <summary>The functions, in upstream's order.</summary>
    public static IReadOnlyList<TemplateFunction> All { get; } =
    [
        new("query", [S], null, static (c, a) => Query(c, (string)a[0]!)),
        new("first", [Result], null, static (_, a) => a[0] is GoSlice { Count: > 0 } r ? r[0] : throw Fail("first() called on vector with no elements")),
        new("label", [S, Sample], null, static (_, a) => SampleOf(a[1]).LabelSet.Get((string)a[0]!)),
        new("value", [Sample], null, static (_, a) => SampleOf(a[0]).Value),
        new("strvalue", [Sample], null, static (_, a) => SampleOf(a[0]).LabelSet.Get("__value__")),
        new("args", [], Any, static (_, a) => Args(a)),
        new("reReplaceAll", [S, S, S], null, static (_, a) => MustCompile((string)a[0]!).ReplaceAll((string)a[2]!, (string)a[1]!)),
        new("safeHtml", [S], null, static (_, a) => new GoNamed(HtmlType, a[0]!)),
        new("match", [S, S], null, static (_, a) => GoRegexp.TryCompile((string)a[0]!, out var re, out var error) ? re.IsMatch((string)a[1]!) : throw Fail(error)),
        new("title", [S], null, static (_, a) => GoText.Title((string)a[0]!)),
        new("toUpper", [S], null, static (_, a) => GoText.ToUpper((string)a[0]!)),
        new("toLower", [S], null, static (_, a) => GoText.ToLower((string)a[0]!)),
        new("graphLink", [S], null, static (_, a) => "/graph?g0.expr=" + GoText.QueryEscape((string)a[0]!) + "&g0.tab=0"),
        new("tableLink", [S], null, static (_, a) => "/graph?g0.expr=" + GoText.QueryEscape((string)a[0]!) + "&g0.tab=1"),
        new("sortByLabel", [S, Result], null, static (_, a) => SortByLabel((string)a[0]!, a[1] as QueryResultSlice)),
        new("stripPort", [S], null, static (_, a) => StripPort((string)a[0]!)),
        new("stripDomain", [S], null, static (_, a) => StripDomain((string)a[0]!)),
        new("humanize", [Any], null, static (_, a) => Humanize(ToFloat(a[0]))),
        new("humanize1024", [Any], null, static (_, a) => Humanize1024(ToFloat(a[0]))),
        new("humanizeDuration", [Any], null, static (_, a) => HumanizeDuration(ToFloat(a[0]))),
        new("humanizePercentage", [Any], null, static (_, a) => GoFmt.Sprintf("%.4g%%", ToFloat(a[0]) * 100)),
        new("humanizeTimestamp", [Any], null, static (_, a) => HumanizeTimestamp(ToFloat(a[0]))),
        new("toTime", [Any], null, static (_, a) => FloatToTime(ToFloat(a[0]), pointer: true)),
        new("toDuration", [Any], null, static (_, a) => GoDuration.PointerTo(GoFloatToInt64(ToFloat(a[0]) * 1e9))),
        new("now", [], null, static (c, _) => State(c).TimestampMs / 1000.0),
        new("pathPrefix", [], null, static (c, _) => UrlPath(State(c).ExternalUrl ?? throw Fail(NilPointer))),
        new("externalURL", [], null, static (c, _) => State(c).ExternalUrl ?? throw Fail(NilPointer)),
        new("parseDuration", [S], null, static (_, a) => ParseDuration((string)a[0]!)),
        new("urlQueryEscape", [S], null, static (_, a) => GoText.QueryEscape((string)a[0]!)),
    ];

    /// <summary>Go's built-ins plus Prometheus's functions: what alerting-rule templates are parsed with.</summary>
    public static TemplateFunctionTable Table { get; } = TemplateFunctionTable.Builtins.With(All);

    private static TemplateFunctionException Fail(string message) => new(message);

    private static PrometheusTemplateState State(TemplateCall call) =>
        call.State as PrometheusTemplateState ?? throw Fail(NilPointer);

    private static TemplateSample SampleOf(object? value) => value as TemplateSample ?? throw Fail(NilPointer);

    private static QueryResultSlice Query(TemplateCall call, string query)
    {
        var state = State(call);
        if (state.Query is null)
        {
            throw Fail(NilPointer);
        }

        IReadOnlyList<QuerySample> vector;
        try
        {
            vector = state.Query(query, state.TimestampMs);
        }
        catch (Exception e) when (e is not (OperationCanceledException or TemplateFunctionException))
        {
            throw Fail(e.Message);
        }

        var samples = new object?[vector.Count];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = new TemplateSample(vector[i].Labels, vector[i].Value);
        }

        return new QueryResultSlice(samples, 0, samples.Length);
    }

    private static GoMap Args(ReadOnlySpan<object?> args)
    {
        var map = new Dictionary<string, object?>(args.Length, StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            map["arg" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = args[i];
        }

        return GoMap.FromValues(map);
    }

    // regexp.MustCompile: a bad pattern panics with Go's text, which the template reports.
    private static GoRegexp MustCompile(string pattern)
    {
        if (GoRegexp.TryCompile(pattern, out var re, out var error))
        {
            return re;
        }

        var quoted = GoStrconv.CanBackquote(pattern) ? "`" + pattern + "`" : GoStrconv.Quote(pattern);
        throw Fail($"regexp: Compile({quoted}): {error}");
    }

    // Stable, in place (other references to the result see it sorted, as in Go), by the label's value.
    private static QueryResultSlice? SortByLabel(string label, QueryResultSlice? result)
    {
        result?.SortStable(label);
        return result;
    }

    private static string StripPort(string hostPort) =>
        GoText.TrySplitHostPort(hostPort, out var host, out _, out _) ? host : hostPort;

    private static string StripDomain(string hostPort)
    {
        if (!GoText.TrySplitHostPort(hostPort, out var host, out var port, out _))
        {
            host = hostPort;
            port = string.Empty;
        }

        if (GoText.IsIP(host))
        {
            return hostPort;
        }

        var dot = host.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            host = host[..dot];
        }

        return port.Length > 0 ? GoText.JoinHostPort(host, port) : host;
    }

    /// <summary>prometheus/common's <c>ConvertToFloat</c>: floats, integers, numeric strings and durations.</summary>
    internal static double ToFloat(object? value) => value switch
    {
        double d => d,
        long l => l,
        string s => GoStrconv.TryParseFloat(s, out var f, out var error) ? f : throw Fail(error!),
        GoNamed { Type: var t, Underlying: long ns } when ReferenceEquals(t, GoDuration.DurationType) => ns / 1e9,
        _ => throw Fail(GoFmt.Sprintf("can't convert %T to float", value)),
    };

    /// <summary>Go's float64 to int64 conversion on amd64: truncation, and the minimum for NaN and values out of range.</summary>
    internal static long GoFloatToInt64(double v) =>
        double.IsNaN(v) || v >= 9.2233720368547758e18 || v < -9.2233720368547758e18 ? long.MinValue : (long)v;

    private static readonly string[] BigPrefixes = ["k", "M", "G", "T", "P", "E", "Z", "Y"];
    private static readonly string[] SmallPrefixes = ["m", "u", "n", "p", "f", "a", "z", "y"];
    private static readonly string[] BinaryPrefixes = ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"];

    internal static string Humanize(double v)
    {
        if (v == 0 || !double.IsFinite(v))
        {
            return GoFmt.Sprintf("%.4g", v);
        }

        var prefix = string.Empty;
        if (Math.Abs(v) >= 1)
        {
            foreach (var p in BigPrefixes)
            {
                if (Math.Abs(v) < 1000)
                {
                    break;
                }

                prefix = p;
                v /= 1000;
            }
        }
        else
        {
            foreach (var p in SmallPrefixes)
            {
                if (Math.Abs(v) >= 1)
                {
                    break;
                }

                prefix = p;
                v *= 1000;
            }
        }

        return GoFmt.Sprintf("%.4g%s", v, prefix);
    }

    internal static string Humanize1024(double v)
    {
        if (Math.Abs(v) <= 1 || !double.IsFinite(v))
        {
            return GoFmt.Sprintf("%.4g", v);
        }

        var prefix = string.Empty;
        foreach (var p in BinaryPrefixes)
        {
            if (Math.Abs(v) < 1024)
            {
                break;
            }

            prefix = p;
            v /= 1024;
        }

        return GoFmt.Sprintf("%.4g%s", v, prefix);
    }

    internal static string HumanizeDuration(double v)
    {
        if (!double.IsFinite(v))
        {
            return GoFmt.Sprintf("%.4g", v);
        }

        if (v == 0)
        {
            return GoFmt.Sprintf("%.4gs", v);
        }

        if (Math.Abs(v) >= 1)
        {
            var sign = string.Empty;
            if (v < 0)
            {
                sign = "-";
                v = -v;
            }

            var duration = GoFloatToInt64(v);
            var seconds = duration % 60;
            var minutes = duration / 60 % 60;
            var hours = duration / 60 / 60 % 24;
            var days = duration / 60 / 60 / 24;
            if (days != 0)
            {
                return GoFmt.Sprintf("%s%dd %dh %dm %ds", sign, days, hours, minutes, seconds);
            }

            if (hours != 0)
            {
                return GoFmt.Sprintf("%s%dh %dm %ds", sign, hours, minutes, seconds);
            }

            if (minutes != 0)
            {
                return GoFmt.Sprintf("%s%dm %ds", sign, minutes, seconds);
            }

            return GoFmt.Sprintf("%s%.4gs", sign, v);
        }

        var prefix = string.Empty;
        foreach (var p in SmallPrefixes)
        {
            if (Math.Abs(v) >= 1)
            {
                break;
            }

            prefix = p;
            v *= 1000;
        }

        return GoFmt.Sprintf("%.4g%ss", v, prefix);
    }

    internal static string HumanizeTimestamp(double v) =>
        double.IsFinite(v) ? FloatToTime(v, pointer: true).ToString() : GoFmt.Sprintf("%.4g", v);

    // prometheus/common's FloatToTime: seconds to a UTC time, through millisecond precision as model.Time does.
    private static GoTime FloatToTime(double v, bool pointer)
    {
        if (!double.IsFinite(v))
        {
            throw Fail("value is NaN or Inf");
        }

        var timestamp = v * 1e9;
        if (timestamp > 9.2233720368547758e18 || timestamp < -9.2233720368547758e18)
        {
            throw Fail(GoFmt.Sprintf("%v cannot be represented as a nanoseconds timestamp since it overflows int64", v));
        }

        var ms = GoFloatToInt64(timestamp) / 1_000_000;
        return GoTime.FromUnix(ms / 1000, ms % 1000 * 1_000_000, pointer: pointer);
    }

    // url.URL.Path of the external URL: the path after scheme and host, unescaped.
    private static string UrlPath(string url)
    {
        var rest = url;
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            rest = rest[(scheme + 3)..];
            var slash = rest.IndexOfAny(['/', '?', '#']);
            rest = slash < 0 ? string.Empty : rest[slash..];
        }

        var end = rest.IndexOfAny(['?', '#']);
        if (end >= 0)
        {
            rest = rest[..end];
        }

        return Uri.UnescapeDataString(rest);
    }

    private static readonly (string Unit, int Pos, ulong Mult)[] DurationUnits =
    [
        ("ms", 7, 1_000_000UL),
        ("s", 6, 1_000_000_000UL),
        ("m", 5, 60_000_000_000UL),
        ("h", 4, 3_600_000_000_000UL),
        ("d", 3, 86_400_000_000_000UL),
        ("w", 2, 604_800_000_000_000UL),
        ("y", 1, 31_536_000_000_000_000UL),
    ];

    // prometheus/common's ParseDurationAllowNegative, in seconds.
    internal static double ParseDuration(string s)
    {
        var negative = s.Length > 0 && s[0] == '-';
        var ns = ParseDurationNanos(negative ? s[1..] : s);
        return (negative ? -ns : ns) / 1e9;
    }

    private static long ParseDurationNanos(string s)
    {
        switch (s)
        {
            case "0":
                return 0;
            case "":
                throw Fail("empty duration string");
        }

        var invalid = Fail(GoFmt.Sprintf("not a valid duration string: %q", s));
        ulong total = 0;
        var lastUnitPos = 0;
        var i = 0;
        while (i < s.Length)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                throw invalid;
            }

            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (!ulong.TryParse(s.AsSpan(start, i - start), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                throw invalid;
            }

            start = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == start)
            {
                throw invalid;
            }

            var unitText = s[start..i];
            var unit = Array.Find(DurationUnits, u => u.Unit == unitText);
            if (unit.Unit is null)
            {
                throw Fail(GoFmt.Sprintf("unknown unit %q in duration %q", unitText, s));
            }

            if (unit.Pos <= lastUnitPos)
            {
                throw invalid;
            }

            lastUnitPos = unit.Pos;
            if (v > (1UL << 63) / unit.Mult)
            {
                throw Fail("duration out of range");
            }

            total += v * unit.Mult;
            if (total > long.MaxValue)
            {
                throw Fail("duration out of range");
            }
        }

        return (long)total;
    }
}

/// <summary>A <c>template.queryResult</c>: mutable storage, so <c>sortByLabel</c> sorts in place as in Go.</summary>
internal sealed class QueryResultSlice(object?[] items, int offset, int count) : GoSlice
{
    public override GoType Type => TemplateSample.QueryResultType;

    public override int Count => count;

    public override object? this[int index] =>
        (uint)index < (uint)count ? items[offset + index] : throw new ArgumentOutOfRangeException(nameof(index));

    public override GoSlice Slice(int low, int high) => new QueryResultSlice(items, offset + low, high - low);

    public void SortStable(string label)
    {
        // OrderBy is stable, as Go's sort.Stable; the result is written back into the shared storage.
        var sorted = items.AsSpan(offset, count).ToArray().OrderBy(Key, Utf8Ordinal.Instance).ToArray();
        sorted.CopyTo(items, offset);

        string Key(object? sample) => (sample as TemplateSample)?.LabelSet.Get(label) ?? string.Empty;
    }
}
