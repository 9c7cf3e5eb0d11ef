using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Tests.PromQL;

/// <summary>
/// Runs one Prometheus .test script (promqltest's format) through our parser and engine. A case is
/// skipped only when it is a native-histogram case, decided from the script before it runs: it
/// expects a native histogram value, or one of its selectors can read a native histogram sample
/// (loaded as <c>{{...}}</c>, or made by <c>load_with_nhcb</c>) within the time window the query
/// reads. Every other case is passed or failed, annotations (<c>expect warn/info/no_warn/no_info</c>)
/// included. The float steps of a series that mixes floats and histograms are loaded.
/// </summary>
internal sealed partial class ScriptRunner
{
    public const string SkipExpectsNativeHistogram = "expects a native histogram value";
    public const string SkipReadsNativeHistogram = "reads a series loaded with native histograms";
    public const string SkipReadsNhcb = "reads a classic histogram converted by load_with_nhcb";

    /// <summary>Upstream's AtModifierUnsafeFunctions: their result depends on the evaluation time even with <c>@</c>.</summary>
    private static readonly HashSet<string> AtUnsafeFunctions =
        ["days_in_month", "day_of_month", "day_of_week", "day_of_year", "end", "hour", "minute", "month", "year", "predict_linear", "range", "start", "step", "time", "timestamp"];

    private readonly InMemorySeriesSource _source = new();
    /// <summary>Series with native histogram samples, and the samples' timestamps (not stored in <see cref="_source"/>).</summary>
    private readonly Dictionary<LabelSet, List<long>> _nativeSamples = [];

    /// <summary>The native series load_with_nhcb would make, and their timestamps.</summary>
    private readonly Dictionary<LabelSet, List<long>> _nhcbSamples = [];

    /// <summary>The engine's lookback (the default, as the runner uses it).</summary>
    private readonly long _lookbackMs = (long)new PromQLEngineOptions().LookbackDelta.TotalMilliseconds;

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public int Skipped { get; private set; }

    /// <summary>Skipped cases by reason.</summary>
    public SortedDictionary<string, int> SkipReasons { get; } = new(StringComparer.Ordinal);

    public List<string> Failures { get; } = [];

    /// <summary>Every skipped case with its reason (file:line: eval line => reason).</summary>
    public List<string> Skips { get; } = [];

    /// <summary>How many of the failures are annotation mismatches (the values were right).</summary>
    public int AnnotationFailures { get; private set; }

    [GeneratedRegex(@"^eval(?<kind>_fail|_ordered|_warn|_info)?\s+instant\s+at\s+(?<at>\S+)\s+(?<expr>.+)$")]
    private static partial Regex InstantLine();

    [GeneratedRegex(@"^eval(?<kind>_fail|_ordered|_warn|_info)?\s+range\s+from\s+(?<from>\S+)\s+to\s+(?<to>\S+)\s+step\s+(?<step>\S+)\s+(?<expr>.+)$")]
    private static partial Regex RangeLine();

    [GeneratedRegex(@"^expect\s+range\s+vector\s+from\s+(?<from>\S+)\s+to\s+(?<to>\S+)\s+step\s+(?<step>\S+)$")]
    private static partial Regex RangeVectorLine();

    /// <summary>Upstream's patExpect for annotations: <c>expect warn|info|no_warn|no_info [msg:|regex: text]</c>.</summary>
    [GeneratedRegex(@"^expect\s+(?<kind>warn|no_warn|info|no_info)(?:\s+(?<how>regex|msg):(?<text>.+))?$")]
    private static partial Regex AnnotationLine();

    /// <summary>Upstream's reQueryContextFuncs: such queries are not re-checked in range mode.</summary>
    [GeneratedRegex(@"(start|end|range|step)\(\)")]
    private static partial Regex QueryContextFunctions();

    public void Run(string path)
    {
        var file = Path.GetFileName(path);
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var body = new List<(int Line, string Text)>();
            var j = i + 1;
            for (; j < lines.Length && (lines[j].Length == 0 || char.IsWhiteSpace(lines[j][0]) || lines[j].TrimStart().StartsWith('#')); j++)
            {
                var t = lines[j].Trim();
                if (t.Length == 0)
                {
                    // A blank line ends the block.
                    break;
                }

                if (!t.StartsWith('#'))
                {
                    body.Add((j + 1, t));
                }
            }

            var next = j - 1;
            if (line == "clear")
            {
                _source.Clear();
                _nativeSamples.Clear();
                _nhcbSamples.Clear();
            }
            else if (line.StartsWith("load", StringComparison.Ordinal))
            {
                Load(line, body);
            }
            else if (line.StartsWith("eval", StringComparison.Ordinal))
            {
                Outcome outcome;
                try
                {
                    outcome = Eval(line, body);
                }
                catch (Exception ex) when (ex is PromQLEvaluationException or PromQLParseException or FormatException or InvalidCastException or InvalidOperationException or KeyNotFoundException or ArgumentException or RegexParseException)
                {
                    outcome = Outcome.Fail($"{ex.GetType().Name}: {ex.Message}");
                }

                if (outcome.SkipReason is { } skip)
                {
                    Skipped++;
                    SkipReasons[skip] = SkipReasons.GetValueOrDefault(skip) + 1;
                    Skips.Add($"{file}:{i + 1}: {line} => {skip}");
                }
                else if (outcome.FailReason is null)
                {
                    Passed++;
                }
                else
                {
                    Failed++;
                    if (outcome.AnnotationMismatch)
                    {
                        AnnotationFailures++;
                    }

                    var r = outcome.FailReason.Replace('\n', ' ');
                    Failures.Add($"{file}:{i + 1}: {line} => {(r.Length > 400 ? r[..400] + "…" : r)}");
                }
            }

            i = next;
        }
    }

    private static long ParseTime(string s)
    {
        if (!PromQLDuration.TryParse(s, out var d, out var error))
        {
            throw new FormatException($"bad time {s}: {error}");
        }

        return (long)d.TotalMilliseconds;
    }

    private void Load(string header, List<(int Line, string Text)> body)
    {
        var parts = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var interval = ParseTime(parts[^1]);
        var nhcb = parts[0].Contains("nhcb", StringComparison.Ordinal);
        foreach (var (_, text) in body)
        {
            var (labels, values) = SeriesDescription.Parse(text, nativeHistogramSteps: true);
            var converted = nhcb ? NhcbSeries(labels) : null;
            for (var k = 0; k < values.Count; k++)
            {
                if (values[k].NativeHistogram)
                {
                    // Not stored: remembered so that a case reading it counts as a native-histogram skip.
                    Remember(_nativeSamples, labels, k * interval);
                }
                else if (!values[k].Omitted)
                {
                    _source.Add(labels, k * interval, values[k].Value);
                    if (converted is not null)
                    {
                        Remember(_nhcbSamples, converted, k * interval);
                    }
                }
            }
        }
    }

    private static void Remember(Dictionary<LabelSet, List<long>> samples, LabelSet labels, long t)
    {
        if (!samples.TryGetValue(labels, out var list))
        {
            list = [];
            samples[labels] = list;
        }

        list.Add(t);
    }

    /// <summary>The native series load_with_nhcb makes of a classic one (as upstream's convertnhcb): name without the suffix, no <c>le</c>.</summary>
    private static LabelSet? NhcbSeries(LabelSet labels)
    {
        var name = labels.MetricName;
        foreach (var suffix in (string[])["_bucket", "_count", "_sum"])
        {
            if (!name.EndsWith(suffix, StringComparison.Ordinal))
            {
                continue;
            }

            if (suffix == "_bucket" && !IsBucketBound(labels.Get("le")))
            {
                return null;
            }

            return new LabelSetBuilder(labels).Delete("le").Set("__name__", name[..^suffix.Length]).Build();
        }

        return null;
    }

    /// <summary>Whether Go's ParseFloat accepts <paramref name="le"/> as a number other than NaN.</summary>
    private static bool IsBucketBound(string le) =>
        le.TrimStart('+', '-').ToUpperInvariant() is "INF" or "INFINITY"
        || (double.TryParse(le, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && !double.IsNaN(v));

    private Outcome Eval(string header, List<(int Line, string Text)> body)
    {
        var instant = InstantLine().Match(header);
        var range = RangeLine().Match(header);
        var m = instant.Success ? instant : range;
        if (!m.Success)
        {
            return Outcome.Fail("unparsed eval line");
        }

        var kind = m.Groups["kind"].Value;
        var c = new Case
        {
            ExprText = m.Groups["expr"].Value,
            ExpectFail = kind == "_fail",
            Ordered = kind == "_ordered",
            Warn = kind == "_warn",
            Info = kind == "_info",
        };
        foreach (var (_, text) in body)
        {
            if (!text.StartsWith("expect ", StringComparison.Ordinal))
            {
                c.Expected.Add(text);
                continue;
            }

            var rest = text[7..].Trim();
            if (rest.StartsWith("fail", StringComparison.Ordinal))
            {
                c.ExpectFail = true;
                var k = rest.IndexOf("msg:", StringComparison.Ordinal);
                if (k >= 0)
                {
                    c.FailMessage = rest[(k + 4)..].Trim();
                }

                k = rest.IndexOf("regex:", StringComparison.Ordinal);
                if (k >= 0)
                {
                    c.FailRegex = new Regex(rest[(k + 6)..].Trim());
                }
            }
            else if (rest == "ordered")
            {
                c.Ordered = true;
            }
            else if (rest.StartsWith("string", StringComparison.Ordinal))
            {
                var q = rest[6..].Trim();
                c.ExpectedString = q.Length >= 2 && q[0] is '"' or '`' ? ((StringLiteral)Parser.ParseExpr(q)).Value : q;
            }
            else if (RangeVectorLine().Match(text) is { Success: true } rv)
            {
                c.RangeVector = (ParseTime(rv.Groups["from"].Value), ParseTime(rv.Groups["to"].Value), ParseTime(rv.Groups["step"].Value));
            }
            else if (AnnotationLine().Match(text) is { Success: true } an)
            {
                var expectation = an.Groups["how"].Value switch
                {
                    "msg" => new AnnotationExpectation(an.Groups["text"].Value.Trim(), null),
                    "regex" => new AnnotationExpectation(null, new Regex(an.Groups["text"].Value.Trim())),
                    _ => new AnnotationExpectation(null, null),
                };
                switch (an.Groups["kind"].Value)
                {
                    case "warn":
                        c.Warnings.Add(expectation);
                        break;
                    case "info":
                        c.Infos.Add(expectation);
                        break;
                    case "no_warn":
                        c.NoWarn = true;
                        break;
                    default:
                        c.NoInfo = true;
                        break;
                }
            }
            else
            {
                return Outcome.Fail("unknown expect line: " + text);
            }
        }

        if (c.Expected.Any(SeriesDescription.HasNativeHistograms))
        {
            return Outcome.Skip(SkipExpectsNativeHistogram);
        }

        Expr expr;
        try
        {
            expr = Parser.ParseExpr(c.ExprText);
        }
        catch (PromQLParseException ex)
        {
            return c.ExpectFail ? Outcome.FromReason(CheckFailure(ex.Message, c)) : Outcome.Fail("parse error: " + ex.Message);
        }

        long from, to;
        if (instant.Success)
        {
            from = to = ParseTime(instant.Groups["at"].Value);
        }
        else
        {
            from = ParseTime(range.Groups["from"].Value);
            to = ParseTime(range.Groups["to"].Value);
        }

        var windows = new List<(VectorSelector Selector, long After, long Until)>();
        ReadWindows(expr, from, to, from, to, windows);
        if (Reads(windows, _nativeSamples))
        {
            return Outcome.Skip(SkipReadsNativeHistogram);
        }

        if (Reads(windows, _nhcbSamples))
        {
            return Outcome.Skip(SkipReadsNhcb);
        }

        var engine = new PromQLEngine(_source);
        return instant.Success
            ? EvalInstant(engine, c, expr, from)
            : EvalRange(engine, c, expr, from, to, ParseTime(range.Groups["step"].Value));
    }

    /// <summary>Whether a selector can see one of <paramref name="samples"/> (a series it matches, a timestamp in its window).</summary>
    private static bool Reads(List<(VectorSelector Selector, long After, long Until)> windows, Dictionary<LabelSet, List<long>> samples) =>
        samples.Count > 0 && windows.Any(w => samples.Any(s => w.Selector.Matchers.All(m => m.Matches(s.Key)) && s.Value.Any(t => t > w.After && t <= w.Until)));

    /// <summary>
    /// The time windows (after, until] the selectors of <paramref name="e"/> can read when it is
    /// evaluated at times in [<paramref name="lo"/>, <paramref name="hi"/>] of a query over
    /// [<paramref name="start"/>, <paramref name="end"/>]: lookback or range, offsets, <c>@</c>, subquery ranges.
    /// </summary>
    private void ReadWindows(Expr e, long lo, long hi, long start, long end, List<(VectorSelector, long, long)> windows)
    {
        switch (e)
        {
            case VectorSelector v:
                {
                    var (a, b) = Shift(v.Timestamp, v.At, v.OriginalOffset, lo, hi, start, end);
                    windows.Add((v, a - _lookbackMs, b));
                    return;
                }

            case MatrixSelector m:
                {
                    var (a, b) = Shift(m.Selector.Timestamp, m.Selector.At, m.Selector.OriginalOffset, lo, hi, start, end);
                    windows.Add((m.Selector, a - (long)m.Range.TotalMilliseconds, b));
                    return;
                }

            case SubqueryExpr q:
                {
                    var (a, b) = Shift(q.Timestamp, q.At, q.OriginalOffset, lo, hi, start, end);
                    ReadWindows(q.Expr, a - (long)q.Range.TotalMilliseconds, b, start, end, windows);
                    return;
                }

            default:
                foreach (var child in ExprWalker.Children(e))
                {
                    ReadWindows(child, lo, hi, start, end, windows);
                }

                return;
        }
    }

    private static (long Lo, long Hi) Shift(long? at, AtModifier atModifier, TimeSpan offset, long lo, long hi, long start, long end)
    {
        var off = (long)offset.TotalMilliseconds;
        return at is { } t ? (t - off, t - off)
            : atModifier == AtModifier.Start ? (start - off, start - off)
            : atModifier == AtModifier.End ? (end - off, end - off)
            : (lo - off, hi - off);
    }

    /// <summary>
    /// As upstream's execInstantEval: the query at its time, then (unless it uses a time-dependent
    /// function) the query with <c>@ time</c> on every selector, printed and parsed again, at
    /// several other evaluation times; each must give the expected result and annotations.
    /// </summary>
    private static Outcome EvalInstant(PromQLEngine engine, Case c, Expr expr, long at)
    {
        var outcome = RunInstant(engine, c, c.ExprText, expr, at);
        if (outcome.FailReason is not null || ExprWalker.Descendants(expr).Any(e => e is CallExpr call && AtUnsafeFunctions.Contains(call.Function.Name)))
        {
            return outcome;
        }

        var atText = Printer.Format(WithAt(expr, at));
        Expr atExpr;
        try
        {
            atExpr = Parser.ParseExpr(atText);
        }
        catch (PromQLParseException ex)
        {
            return Outcome.Fail($"(@ modifier) {atText} does not parse: {ex.Message}");
        }

        long[] times = at == 0 ? [-1000, 0, 1000] : [-10 * at, 0, at / 5, at, 10 * at];
        foreach (var t in times)
        {
            var atOutcome = RunInstant(engine, c, atText, atExpr, t);
            if (atOutcome.FailReason is not null)
            {
                return atOutcome with { FailReason = $"(with @, evaluated at {t / 1000.0}s: {atText}) {atOutcome.FailReason}" };
            }
        }

        return Outcome.Pass;
    }

    private static Outcome RunInstant(PromQLEngine engine, Case c, string text, Expr expr, long at)
    {
        QueryResult result;
        try
        {
            result = engine.InstantQueryAsync(expr, at).GetAwaiter().GetResult();
        }
        catch (PromQLEvaluationException ex)
        {
            return c.ExpectFail ? Outcome.FromReason(CheckFailure(ex.Message, c)) : Outcome.Fail("error: " + ex.Message);
        }

        if (c.ExpectFail)
        {
            return Outcome.Fail("expected an error, got a result");
        }

        if (CheckAnnotations(c, text, result) is { } annotationProblem)
        {
            return Outcome.AnnotationFail(annotationProblem);
        }

        if (CompareInstant(c, result) is { } reason)
        {
            return Outcome.Fail(reason);
        }

        // As upstream: the same query in range mode (one minute either side) must give the same middle step.
        if (c.RangeVector is not null || c.ExpectedString is not null || c.Ordered || QueryContextFunctions().IsMatch(text) || expr.Type is not (ExprType.Vector or ExprType.Scalar))
        {
            return Outcome.Pass;
        }

        QueryResult ranged;
        try
        {
            ranged = engine.RangeQueryAsync(expr, at - 60_000, at + 60_000, 60_000).GetAwaiter().GetResult();
        }
        catch (PromQLEvaluationException ex)
        {
            return Outcome.Fail("(range mode) error: " + ex.Message);
        }

        var middle = ranged.Series
            .Where(s => s.Points.Any(p => p.TimestampMs == at))
            .Select(s => new ResultSeries(s.Labels, [s.Points.First(p => p.TimestampMs == at)]))
            .ToArray();
        var rangeReason = expr.Type == ExprType.Scalar
            ? (middle.Length == 1 && c.Expected.Count == 1 && TryParseValue(c.Expected[0], out var want) && Close(want, middle[0].Points[0].Value) ? null : $"(range mode) scalar: expected {string.Join(" | ", c.Expected)}, got {Describe(middle)}")
            : CompareMatrix(new QueryResult { Type = ExprType.Matrix, Series = middle }, c.Expected, at, 60_000);
        return rangeReason is null ? Outcome.Pass : Outcome.Fail("(range mode) " + rangeReason);
    }

    private static Outcome EvalRange(PromQLEngine engine, Case c, Expr expr, long from, long to, long step)
    {
        QueryResult result;
        try
        {
            result = engine.RangeQueryAsync(expr, from, to, step).GetAwaiter().GetResult();
        }
        catch (PromQLEvaluationException ex)
        {
            return c.ExpectFail ? Outcome.FromReason(CheckFailure(ex.Message, c)) : Outcome.Fail("error: " + ex.Message);
        }

        if (c.ExpectFail)
        {
            return Outcome.Fail("expected an error, got a result");
        }

        if (CheckAnnotations(c, c.ExprText, result) is { } annotationProblem)
        {
            return Outcome.AnnotationFail(annotationProblem);
        }

        return Outcome.FromReason(CompareMatrix(result, c.Expected, from, step));
    }

    /// <summary>Upstream's checkAnnotations: every expected annotation is found, no other appears, none when no_warn/no_info.</summary>
    private static string? CheckAnnotations(Case c, string query, QueryResult result)
    {
        var warnings = result.Annotations.Where(a => a.Severity == AnnotationSeverity.Warning).Select(a => a.Format(query)).ToList();
        var infos = result.Annotations.Where(a => a.Severity == AnnotationSeverity.Info).Select(a => a.Format(query)).ToList();
        if (c.Warn && warnings.Count == 0)
        {
            return "expected warnings, got none";
        }

        if (c.Info && infos.Count == 0)
        {
            return "expected infos, got none";
        }

        return CheckAnnotationsOfType("warning", c.Warnings, warnings)
            ?? CheckAnnotationsOfType("info", c.Infos, infos)
            ?? (c.NoWarn && warnings.Count > 0 ? "expected no warning, got: " + string.Join(" | ", warnings) : null)
            ?? (c.NoInfo && infos.Count > 0 ? "expected no info, got: " + string.Join(" | ", infos) : null);
    }

    private static string? CheckAnnotationsOfType(string type, List<AnnotationExpectation> expected, List<string> actual)
    {
        if (expected.Count == 0)
        {
            return null;
        }

        if (actual.Count == 0)
        {
            return $"expected {type} annotations, got none";
        }

        foreach (var e in expected)
        {
            if (!actual.Any(e.Matches))
            {
                return $"expected {type} {e}, got: {string.Join(" | ", actual)}";
            }
        }

        foreach (var a in actual)
        {
            if (!expected.Any(e => e.Matches(a)))
            {
                return $"unexpected {type}: {a}";
            }
        }

        return null;
    }

    private static string? CheckFailure(string message, Case c)
    {
        if (c.FailMessage is { } msg && message != msg)
        {
            return $"expected error \"{msg}\", got \"{message}\"";
        }

        if (c.FailRegex is { } regex && !regex.IsMatch(message))
        {
            return $"expected error matching {regex}, got \"{message}\"";
        }

        return null;
    }

    private static string? CompareInstant(Case c, QueryResult result)
    {
        switch (result.Type)
        {
            case ExprType.String:
                return result.StringValue == c.ExpectedString ? null : $"expected string \"{c.ExpectedString}\", got \"{result.StringValue}\"";
            case ExprType.Scalar:
                return c.Expected.Count == 1 && TryParseValue(c.Expected[0], out var scalar)
                    ? Close(scalar, result.Scalar.Value) ? null : $"expected scalar {scalar}, got {result.Scalar.Value}"
                    : $"got scalar {result.Scalar.Value}, expected {string.Join(" | ", c.Expected)}";
            case ExprType.Matrix:
                return c.RangeVector is { } rv
                    ? CompareMatrix(result, c.Expected, rv.From, rv.Step)
                    : "got a range vector without \"expect range vector\"";
            default:
                {
                    var want = new List<(LabelSet Labels, double Value)>();
                    foreach (var line in c.Expected)
                    {
                        var (labels, values) = SeriesDescription.Parse(line);
                        if (values.Count != 1)
                        {
                            return $"expected line has {values.Count} values: {line}";
                        }

                        want.Add((labels, values[0].Value));
                    }

                    var got = result.Series;
                    if (got.Count != want.Count)
                    {
                        return $"expected {want.Count} samples, got {got.Count}: {Describe(got)}";
                    }

                    for (var k = 0; k < want.Count; k++)
                    {
                        var g = c.Ordered ? got[k] : got.FirstOrDefault(s => s.Labels == want[k].Labels);
                        if (g is null || g.Labels != want[k].Labels)
                        {
                            return $"expected {want[k].Labels} {want[k].Value}{(c.Ordered ? $" at position {k}" : string.Empty)}; got {Describe(got)}";
                        }

                        if (!Close(want[k].Value, g.Points[0].Value))
                        {
                            return $"{want[k].Labels}: expected {want[k].Value}, got {g.Points[0].Value}";
                        }
                    }

                    return null;
                }
        }
    }

    /// <summary>
    /// Upstream's atModifierTestCases rewrite: <c>@ at</c> on every selector and subquery without a
    /// fixed one (<c>@ start()</c>/<c>end()</c> become the fixed time too); a subquery's inside is left alone.
    /// </summary>
    private static Expr WithAt(Expr e, long at) => e switch
    {
        VectorSelector v when v.Timestamp is null => v with { Timestamp = at, At = AtModifier.None },
        MatrixSelector m when m.Selector.Timestamp is null => m with { Selector = m.Selector with { Timestamp = at, At = AtModifier.None } },
        SubqueryExpr q when q.Timestamp is null => q with { Timestamp = at, At = AtModifier.None },
        SubqueryExpr q => q,
        AggregateExpr a => a with { Param = a.Param is null ? null : WithAt(a.Param, at), Expr = WithAt(a.Expr, at) },
        BinaryExpr b => b with { Lhs = WithAt(b.Lhs, at), Rhs = WithAt(b.Rhs, at) },
        CallExpr c => c with { Args = c.Args.Select(x => WithAt(x, at)).ToArray() },
        ParenExpr p => p with { Expr = WithAt(p.Expr, at) },
        UnaryExpr u => u with { Expr = WithAt(u.Expr, at) },
        _ => e,
    };

    private static bool TryParseValue(string s, out double v)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v))
        {
            return true;
        }

        v = s switch
        {
            "NaN" => double.NaN,
            "Inf" or "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => 0,
        };
        return s is "NaN" or "Inf" or "+Inf" or "-Inf";
    }

    private static string? CompareMatrix(QueryResult result, List<string> expected, long from, long step)
    {
        var want = new Dictionary<LabelSet, List<(long T, double V)>>();
        foreach (var line in expected)
        {
            var (labels, values) = SeriesDescription.Parse(line);
            var points = new List<(long, double)>();
            for (var k = 0; k < values.Count; k++)
            {
                if (!values[k].Omitted)
                {
                    points.Add((from + (k * step), values[k].Value));
                }
            }

            want[labels] = points;
        }

        var got = result.Series.Where(s => s.Points.Count > 0).ToList();
        if (got.Count != want.Count)
        {
            return $"expected {want.Count} series, got {got.Count}: {Describe(got)}";
        }

        foreach (var g in got)
        {
            if (!want.TryGetValue(g.Labels, out var w))
            {
                return $"unexpected series {g.Labels}; got {Describe(got)}";
            }

            if (w.Count != g.Points.Count)
            {
                return $"{g.Labels}: expected {w.Count} points [{string.Join(' ', w.Select(p => $"{p.V}@{p.T / 1000.0}"))}], got {g.Points.Count} [{string.Join(' ', g.Points.Select(p => $"{p.Value}@{p.TimestampMs / 1000.0}"))}]";
            }

            for (var k = 0; k < w.Count; k++)
            {
                if (w[k].T != g.Points[k].TimestampMs || !Close(w[k].V, g.Points[k].Value))
                {
                    return $"{g.Labels}: point {k}: expected {w[k].V}@{w[k].T / 1000.0}, got {g.Points[k].Value}@{g.Points[k].TimestampMs / 1000.0}";
                }
            }
        }

        return null;
    }

    private static string Describe(IReadOnlyList<ResultSeries> got)
    {
        var text = string.Join(", ", got.Take(4).Select(s => $"{s.Labels} {(s.Points.Count == 1 ? s.Points[0].Value.ToString(CultureInfo.InvariantCulture) : $"[{s.Points.Count} points]")}"));
        return got.Count > 4 ? text + ", …" : text;
    }

    internal static bool Close(double want, double got)
    {
        if (double.IsNaN(want) || double.IsNaN(got))
        {
            return double.IsNaN(want) && double.IsNaN(got) && StaleMarker.IsStale(want) == StaleMarker.IsStale(got);
        }

        if (want == got)
        {
            return true;
        }

        var diff = Math.Abs(want - got);
        return diff <= 1e-6 * Math.Max(Math.Abs(want), Math.Abs(got)) || (want == 0 && diff < 1e-12) || (got == 0 && diff < 1e-12);
    }

    /// <summary>One eval command and its expectations.</summary>
    private sealed class Case
    {
        public required string ExprText { get; init; }

        public bool ExpectFail { get; set; }

        public string? FailMessage { get; set; }

        public Regex? FailRegex { get; set; }

        public bool Ordered { get; set; }

        public string? ExpectedString { get; set; }

        public (long From, long To, long Step)? RangeVector { get; set; }

        public List<string> Expected { get; } = [];

        /// <summary><c>eval_warn</c>: at least one warning.</summary>
        public bool Warn { get; init; }

        /// <summary><c>eval_info</c>: at least one info.</summary>
        public bool Info { get; init; }

        public List<AnnotationExpectation> Warnings { get; } = [];

        public List<AnnotationExpectation> Infos { get; } = [];

        public bool NoWarn { get; set; }

        public bool NoInfo { get; set; }
    }

    /// <summary>An <c>expect warn|info</c> line: an exact message, a regex, or (neither) any annotation.</summary>
    private sealed record AnnotationExpectation(string? Message, Regex? Pattern)
    {
        public bool Matches(string actual) => Message is not null ? Message == actual : Pattern is null || Pattern.IsMatch(actual);

        public override string ToString() => Message is not null ? $"\"{Message}\"" : Pattern is not null ? $"matching /{Pattern}/" : "(any)";
    }

    /// <summary>A case's result: passed, failed with a reason, or skipped with a reason.</summary>
    private readonly record struct Outcome(string? FailReason, string? SkipReason, bool AnnotationMismatch)
    {
        public static Outcome Pass => default;

        public static Outcome Fail(string reason) => new(reason, null, false);

        public static Outcome AnnotationFail(string reason) => new("annotations: " + reason, null, true);

        public static Outcome Skip(string reason) => new(null, reason, false);

        public static Outcome FromReason(string? reason) => new(reason, null, false);
    }
}
