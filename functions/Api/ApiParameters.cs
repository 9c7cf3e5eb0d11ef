using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// A request's parameters as Go's <c>r.Form</c> holds them: values from a form body
/// (<c>application/x-www-form-urlencoded</c> POST) first, then the URL's; and the parsers
/// upstream's API applies to them (times, durations, <c>limit</c>, <c>match[]</c>), with its error texts.
/// </summary>
internal sealed partial class ApiParameters
{
    /// <summary>Go's <c>ParseForm</c> reads at most 10 MB of form body.</summary>
    public const long MaxFormBytes = 10L << 20;

    /// <summary>Upstream's MinTime (a Go time far in the past), in milliseconds.</summary>
    public const long MinTimeMs = (-9223372036854775L + 62135596801L) * 1000;

    /// <summary>Upstream's MaxTime, in milliseconds.</summary>
    public const long MaxTimeMs = ((9223372036854775L - 62135596801L) * 1000) + 999;

    private const string EmptySelectorError = "vector selector must contain at least one non-empty matcher";
    private const string NoNonEmptyMatcher = "match[] must contain at least one non-empty matcher";
    private const string MinTimeText = "-292273086-05-16T16:47:06Z";
    private const string MaxTimeText = "292277025-08-18T07:12:54.999999999Z";

    private static readonly FormOptions FormLimits = new()
    {
        ValueLengthLimit = (int)MaxFormBytes,
        KeyLengthLimit = (int)MaxFormBytes,
        ValueCountLimit = 1 << 20,
        BufferBodyLengthLimit = MaxFormBytes,
    };

    private readonly Dictionary<string, List<string>> _values;

    private ApiParameters(Dictionary<string, List<string>> values)
    {
        _values = values;
    }

    /// <summary>Reads the URL and, for a form POST, the body; a body that is too large or malformed is a 400.</summary>
    public static async Task<ApiParameters> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        {
            if (request.HasFormContentType && !(request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) ?? false))
            {
                if (request.ContentLength > MaxFormBytes)
                {
                    throw ApiErrors.BadData("error parsing form values: http: POST too large");
                }

                try
                {
                    var reader = new FormFeature(request, FormLimits);
                    var form = await reader.ReadFormAsync(cancellationToken);
                    foreach (var (key, value) in form)
                    {
                        Add(values, key, value);
                    }
                }
                catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException or DecoderFallbackException)
                {
                    throw ApiErrors.BadData($"error parsing form values: {ex.Message}");
                }
            }
        }

        foreach (var (key, value) in request.Query)
        {
            Add(values, key, value);
        }

        return new ApiParameters(values);
    }

    /// <summary>Go's <c>r.FormValue</c>: the first value, or "".</summary>
    public string this[string name] => _values.TryGetValue(name, out var list) && list.Count > 0 ? list[0] : string.Empty;

    /// <summary>Every value of <paramref name="name"/> (e.g. <c>match[]</c>), body values first.</summary>
    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var list) ? list : [];

    /// <summary>Upstream's <c>parseTime</c>: Unix seconds with up to millisecond fractions, or RFC 3339.</summary>
    public static bool TryParseTime(string text, out long milliseconds)
    {
        milliseconds = 0;
        if (TryParseGoFloat(text, out var seconds))
        {
            if (double.IsNaN(seconds) || double.IsInfinity(seconds))
            {
                return false;
            }

            var whole = Math.Truncate(seconds);
            var fraction = Math.Round((seconds - whole) * 1000, MidpointRounding.AwayFromZero);
            if (Math.Abs(whole) > long.MaxValue / 1000 - 1)
            {
                return false;
            }

            milliseconds = ((long)whole * 1000) + (long)fraction;
            return true;
        }

        if (text == MinTimeText)
        {
            milliseconds = MinTimeMs;
            return true;
        }

        if (text == MaxTimeText)
        {
            milliseconds = MaxTimeMs;
            return true;
        }

        return TryParseRfc3339(text, out milliseconds);
    }

    /// <summary>A required time: <c>cannot parse "x" to a valid timestamp</c> as <c>invalid parameter "name"</c>.</summary>
    public long Time(string name)
    {
        var text = this[name];
        return TryParseTime(text, out var ms) ? ms : throw ApiErrors.InvalidParameter(name, $"cannot parse \"{text}\" to a valid timestamp");
    }

    /// <summary>An optional time (upstream's <c>parseTimeParam</c>), <paramref name="defaultMs"/> when absent.</summary>
    public long Time(string name, long defaultMs)
    {
        var text = this[name];
        if (text.Length == 0)
        {
            return defaultMs;
        }

        return TryParseTime(text, out var ms)
            ? ms
            : throw ApiErrors.InvalidParameter(name, $"invalid time value for '{name}': cannot parse \"{text}\" to a valid timestamp");
    }

    /// <summary>Upstream's <c>parseDuration</c>: seconds as a float, or a Prometheus duration like <c>5m</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration, out string error)
    {
        duration = TimeSpan.Zero;
        error = string.Empty;
        if (TryParseGoFloat(text, out var seconds))
        {
            var nanoseconds = seconds * 1e9;
            if (double.IsNaN(nanoseconds) || nanoseconds > long.MaxValue || nanoseconds < long.MinValue)
            {
                error = $"cannot parse \"{text}\" to a valid duration. It overflows int64";
                return false;
            }

            duration = TimeSpan.FromTicks((long)(nanoseconds / 100));
            return true;
        }

        if (PrometheusDuration.TryParse(text, out duration, out _))
        {
            return true;
        }

        error = $"cannot parse \"{text}\" to a valid duration";
        return false;
    }

    /// <summary>A duration parameter, or null when absent; a bad one is <c>invalid parameter "name"</c>.</summary>
    public TimeSpan? Duration(string name)
    {
        var text = this[name];
        if (text.Length == 0)
        {
            return null;
        }

        return TryParseDuration(text, out var d, out var error) ? d : throw ApiErrors.InvalidParameter(name, error);
    }

    /// <summary>Upstream's <c>parseLimitParam</c>: 0 (none) when absent; Go's Atoi error texts.</summary>
    public int Limit()
    {
        var text = this["limit"];
        if (text.Length == 0)
        {
            return 0;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value is > int.MaxValue or < int.MinValue)
        {
            var reason = IsIntegerSyntax(text) ? "value out of range" : "invalid syntax";
            throw ApiErrors.InvalidParameter("limit", $"strconv.Atoi: parsing {Printer.GoQuote(text)}: {reason}");
        }

        return value < 0 ? throw ApiErrors.InvalidParameter("limit", "limit must be non-negative") : (int)value;
    }

    /// <summary>
    /// The <c>match[]</c> selectors (upstream's <c>parseMatchersParam</c>): each must have a matcher that
    /// does not match the empty string. Errors are the parser's text, as upstream reports them.
    /// </summary>
    public static List<IReadOnlyList<LabelMatcher>> ParseMatchers(IReadOnlyList<string> selectors)
    {
        var sets = new List<IReadOnlyList<LabelMatcher>>(selectors.Count);
        foreach (var selector in selectors)
        {
            IReadOnlyList<LabelMatcher> matchers;
            try
            {
                matchers = Parser.ParseMetricSelector(selector);
            }
            catch (PromQLParseException ex) when (ex.Error == EmptySelectorError)
            {
                // Our selector parser type-checks like a query; upstream's leaves this check to the API.
                throw ApiErrors.BadData(NoNonEmptyMatcher);
            }
            catch (PromQLParseException ex)
            {
                throw ApiErrors.BadData(ex.Message);
            }

            if (matchers.All(m => m.MatchesEmpty))
            {
                throw ApiErrors.BadData(NoNonEmptyMatcher);
            }

            sets.Add(matchers);
        }

        return sets;
    }

    /// <summary>Go's <c>strconv.ParseFloat</c> for what API parameters hold: decimal and exponent forms, <c>NaN</c>, <c>Inf</c>.</summary>
    private static bool TryParseGoFloat(string text, out double value)
    {
        value = 0;
        if (text.Length == 0 || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            return false;
        }

        var unsigned = text[0] is '+' or '-' ? text[1..] : text;
        if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (unsigned.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        return unsigned.Length > 0 && (char.IsAsciiDigit(unsigned[0]) || unsigned[0] == '.')
            && double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsIntegerSyntax(string text)
    {
        var digits = text.Length > 0 && text[0] is '+' or '-' ? text.AsSpan(1) : text.AsSpan();
        return digits.Length > 0 && digits.IndexOfAnyExceptInRange('0', '9') < 0;
    }

    private static bool TryParseRfc3339(string text, out long milliseconds)
    {
        milliseconds = 0;
        var m = Rfc3339().Match(text);
        if (!m.Success)
        {
            return false;
        }

        int Part(int group) => int.Parse(m.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);
        try
        {
            var local = new DateTime(Part(1), Part(2), Part(3), Part(4), Part(5), Part(6), DateTimeKind.Unspecified);
            var offset = TimeSpan.Zero;
            if (m.Groups[8].Value is not ("Z" or "z"))
            {
                var sign = m.Groups[8].Value[0] == '-' ? -1 : 1;
                var hours = int.Parse(m.Groups[8].ValueSpan[1..3], NumberStyles.None, CultureInfo.InvariantCulture);
                var minutes = int.Parse(m.Groups[8].ValueSpan[4..6], NumberStyles.None, CultureInfo.InvariantCulture);
                if (hours > 23 || minutes > 59)
                {
                    return false;
                }

                offset = sign * new TimeSpan(hours, minutes, 0);
            }

            var seconds = new DateTimeOffset(local, TimeSpan.Zero).ToUnixTimeSeconds() - (long)offset.TotalSeconds;

            // Go keeps nanoseconds; the API's timestamp.FromTime truncates them to milliseconds.
            var fraction = m.Groups[7].Success ? m.Groups[7].Value[1..].PadRight(9, '0') : "000000000";
            milliseconds = (seconds * 1000) + (long.Parse(fraction, CultureInfo.InvariantCulture) / 1_000_000);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static void Add(Dictionary<string, List<string>> values, string key, Microsoft.Extensions.Primitives.StringValues value)
    {
        if (!values.TryGetValue(key, out var list))
        {
            values[key] = list = [];
        }

        foreach (var v in value)
        {
            list.Add(v ?? string.Empty);
        }
    }

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
