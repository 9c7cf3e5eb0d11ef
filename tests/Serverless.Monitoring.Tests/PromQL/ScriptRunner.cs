using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Tests.PromQL;

/// <summary>Runs one Prometheus .test script (promqltest's format) through our parser and engine.</summary>
internal sealed partial class ScriptRunner
{
    private static readonly HashSet<string> AtUnsafeFunctions =
        ["days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year", "predict_linear", "time"];

    private readonly InMemorySeriesSource _source = new();
    private readonly List<LabelSet> _nativeSeries = [];

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public int Skipped { get; private set; }

    public List<string> Failures { get; } = [];

    /// <summary>Passed cases whose expect warn/info/no_warn/no_info lines disagree with our annotations (reported, not enforced yet).</summary>
    public List<string> AnnotationMismatches { get; } = [];

    private QueryResult? _lastResult;

    [GeneratedRegex(@"^eval(?<kind>_fail|_ordered|_warn|_info)?\s+instant\s+at\s+(?<at>\S+)\s+(?<expr>.+)$")]
    private static partial Regex InstantLine();

    [GeneratedRegex(@"^eval(?<kind>_fail|_ordered|_warn|_info)?\s+range\s+from\s+(?<from>\S+)\s+to\s+(?<to>\S+)\s+step\s+(?<step>\S+)\s+(?<expr>.+)$")]
    private static partial Regex RangeLine();

    [GeneratedRegex(@"^expect\s+range\s+vector\s+from\s+(?<from>\S+)\s+to\s+(?<to>\S+)\s+step\s+(?<step>\S+)$")]
    private static partial Regex RangeVectorLine();

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
                _nativeSeries.Clear();
            }
            else if (line.StartsWith("load", StringComparison.Ordinal))
            {
                Load(line, body);
            }
            else if (line.StartsWith("eval", StringComparison.Ordinal))
            {
                string? reason;
                bool skipped;
                try
                {
                    (skipped, reason) = Eval(line, body);
                }
                catch (Exception ex) when (ex is PromQLEvaluationException or PromQLParseException or FormatException or InvalidCastException or InvalidOperationException or KeyNotFoundException or ArgumentException)
                {
                    skipped = false;
                    reason = $"{ex.GetType().Name}: {ex.Message}";
                }

                if (skipped)
                {
                    Skipped++;
                }
                else if (reason is null)
                {
                    Passed++;
                    if (_lastResult is { } last && AnnotationMismatch(line, body, last) is { } mismatch)
                    {
                        AnnotationMismatches.Add($"{file}:{i + 1}: {line} => {mismatch}");
                    }
                }
                else
                {
                    Failed++;
                    var r = reason.Replace('\n', ' ');
                    Failures.Add($"{file}:{i + 1}: {line} => {(r.Length > 300 ? r[..300] + "…" : r)}");
                }
            }

            i = next;
        }
    }

    private static string? AnnotationMismatch(string header, List<(int Line, string Text)> body, QueryResult result)
    {
        var texts = body.Select(b => b.Text).ToList();
        var warn = header.StartsWith("eval_warn", StringComparison.Ordinal) || texts.Any(x => x.StartsWith("expect warn", StringComparison.Ordinal));
        var info = header.StartsWith("eval_info", StringComparison.Ordinal) || texts.Any(x => x.StartsWith("expect info", StringComparison.Ordinal));
        var noWarn = texts.Any(x => x.StartsWith("expect no_warn", StringComparison.Ordinal));
        var noInfo = texts.Any(x => x.StartsWith("expect no_info", StringComparison.Ordinal));
        var problems = new List<string>();
        if (warn && result.Warnings.Count == 0)
        {
            problems.Add("expected a warning, got none");
        }

        if (noWarn && result.Warnings.Count > 0)
        {
            problems.Add("expected no warning, got: " + string.Join("; ", result.Warnings));
        }

        if (info && result.Infos.Count == 0)
        {
            problems.Add("expected an info, got none");
        }

        if (noInfo && result.Infos.Count > 0)
        {
            problems.Add("expected no info, got: " + string.Join("; ", result.Infos));
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
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
            if (SeriesDescription.HasNativeHistograms(text))
            {
                var k = text.IndexOf("{{", StringComparison.Ordinal);
                _nativeSeries.Add(SeriesDescription.Parse(text[..k] + " 0").Labels);
                continue;
            }

            var (labels, values) = SeriesDescription.Parse(text);
            if (nhcb)
            {
                var name = labels.MetricName;
                foreach (var suffix in (string[])["_bucket", "_count", "_sum"])
                {
                    if (name.EndsWith(suffix, StringComparison.Ordinal))
                    {
                        _nativeSeries.Add(new LabelSetBuilder(labels).Delete("le").Set("__name__", name[..^suffix.Length]).Build());
                    }
                }
            }

            for (var k = 0; k < values.Count; k++)
            {
                if (!values[k].Omitted)
                {
                    _source.Add(labels, k * interval, values[k].Value);
                }
            }
        }
    }

    private (bool Skipped, string? Reason) Eval(string header, List<(int Line, string Text)> body)
    {
        _lastResult = null;
        var instant = InstantLine().Match(header);
        var range = RangeLine().Match(header);
        var m = instant.Success ? instant : range;
        if (!m.Success)
        {
            return (false, "unparsed eval line");
        }

        var exprText = m.Groups["expr"].Value;
        var kind = m.Groups["kind"].Value;
        var expectFail = kind == "_fail";
        var ordered = kind == "_ordered";
        string? failMsg = null;
        Regex? failRegex = null;
        string? expectedString = null;
        (long From, long To, long Step)? rangeVector = null;
        var expected = new List<string>();
        foreach (var (_, text) in body)
        {
            if (text.StartsWith("expect ", StringComparison.Ordinal))
            {
                var rest = text[7..].Trim();
                if (rest.StartsWith("fail", StringComparison.Ordinal))
                {
                    expectFail = true;
                    var k = rest.IndexOf("msg:", StringComparison.Ordinal);
                    if (k >= 0)
                    {
                        failMsg = rest[(k + 4)..].Trim();
                    }

                    k = rest.IndexOf("regex:", StringComparison.Ordinal);
                    if (k >= 0)
                    {
                        failRegex = new Regex(rest[(k + 6)..].Trim());
                    }
                }
                else if (rest == "ordered")
                {
                    ordered = true;
                }
                else if (rest.StartsWith("string", StringComparison.Ordinal))
                {
                    var q = rest[6..].Trim();
                    expectedString = q.Length >= 2 && q[0] is '"' or '`' ? ((StringLiteral)Parser.ParseExpr(q)).Value : q;
                }
                else if (RangeVectorLine().Match(text) is { Success: true } rv)
                {
                    rangeVector = (ParseTime(rv.Groups["from"].Value), ParseTime(rv.Groups["to"].Value), ParseTime(rv.Groups["step"].Value));
                }

                // expect warn/info/no_warn/no_info: annotations are not compared yet.
                continue;
            }

            expected.Add(text);
        }

        if (expected.Any(SeriesDescription.HasNativeHistograms))
        {
            return (true, null);
        }

        Expr expr;
        try
        {
            expr = Parser.ParseExpr(exprText);
        }
        catch (PromQLParseException ex)
        {
            return (false, expectFail ? CheckFailure(ex.Message, failMsg, failRegex) : "parse error: " + ex.Message);
        }

        // A case that selects a native histogram series (not loaded: unsupported) is a
        // native-histogram case: counted as skipped when it does not pass.
        var touchesNative = _nativeSeries.Count > 0 && ExprWalker.Descendants(expr).OfType<VectorSelector>().Any(v => _nativeSeries.Any(l => v.Matchers.All(mm => mm.Matches(l))));
        var (skipped, reason) = EvalParsed(expr, instant, range, expectFail, failMsg, failRegex, expected, ordered, expectedString, rangeVector);
        return reason is not null && touchesNative ? (true, null) : (skipped, reason);
    }

    private (bool Skipped, string? Reason) EvalParsed(Expr expr, Match instant, Match range, bool expectFail, string? failMsg, Regex? failRegex, List<string> expected, bool ordered, string? expectedString, (long From, long To, long Step)? rangeVector)
    {

        var engine = new PromQLEngine(_source);
        if (instant.Success)
        {
            var at = ParseTime(instant.Groups["at"].Value);
            var reason = RunInstant(engine, expr, at, expectFail, failMsg, failRegex, expected, ordered, expectedString, rangeVector, r => _lastResult = r);
            if (reason is not null || expectFail)
            {
                return (false, reason);
            }

            // As upstream: the same query in range mode must give the same first step.
            if (expr.Type is ExprType.Vector or ExprType.Scalar && expectedString is null)
            {
                QueryResult ranged;
                try
                {
                    ranged = engine.RangeQueryAsync(expr, at, at + 60_000, 60_000).GetAwaiter().GetResult();
                }
                catch (PromQLEvaluationException ex)
                {
                    return (false, "(range mode) error: " + ex.Message);
                }

                var firstStep = ranged.Series.Where(x => x.Points.Count > 0 && x.Points[0].TimestampMs == at).ToList();
                var rangeReason = expr.Type == ExprType.Scalar
                    ? (firstStep.Count == 1 && expected.Count == 1 ? null : "(range mode) scalar missing")
                    : CompareMatrix(new QueryResult { Type = ExprType.Matrix, Series = firstStep.Select(x => new ResultSeries(x.Labels, [x.Points[0]])).ToArray() }, expected, at, 60_000, ordered: false);
                if (rangeReason is not null)
                {
                    return (false, "(range mode) " + rangeReason);
                }
            }

            var unsafeAt = ExprWalker.Descendants(expr).Any(e => e is CallExpr c && AtUnsafeFunctions.Contains(c.Function.Name));
            if (!unsafeAt)
            {
                var atReason = RunInstant(engine, WithAt(expr, at), at, false, null, null, expected, ordered, expectedString, rangeVector);
                if (atReason is not null)
                {
                    return (false, "(@ modifier) " + atReason);
                }
            }

            return (false, null);
        }

        var from = ParseTime(range.Groups["from"].Value);
        var to = ParseTime(range.Groups["to"].Value);
        var step = ParseTime(range.Groups["step"].Value);
        QueryResult result;
        try
        {
            result = engine.RangeQueryAsync(expr, from, to, step).GetAwaiter().GetResult();
            _lastResult = result;
        }
        catch (PromQLEvaluationException ex)
        {
            return (false, expectFail ? CheckFailure(ex.Message, failMsg, failRegex) : "error: " + ex.Message);
        }

        if (expectFail)
        {
            return (false, "expected an error, got a result");
        }

        return (false, CompareMatrix(result, expected, from, step, ordered));
    }

    private static string? CheckFailure(string message, string? msg, Regex? regex)
    {
        if (msg is not null && message != msg)
        {
            return $"expected error \"{msg}\", got \"{message}\"";
        }

        if (regex is not null && !regex.IsMatch(message))
        {
            return $"expected error matching {regex}, got \"{message}\"";
        }

        return null;
    }

    private static string? RunInstant(PromQLEngine engine, Expr expr, long at, bool expectFail, string? failMsg, Regex? failRegex, List<string> expected, bool ordered, string? expectedString, (long From, long To, long Step)? rangeVector, Action<QueryResult>? lastResult = null)
    {
        QueryResult result;
        try
        {
            result = engine.InstantQueryAsync(expr, at).GetAwaiter().GetResult();
            lastResult?.Invoke(result);
        }
        catch (PromQLEvaluationException ex)
        {
            return expectFail ? CheckFailure(ex.Message, failMsg, failRegex) : "error: " + ex.Message;
        }

        if (expectFail)
        {
            return "expected an error, got a result";
        }

        switch (result.Type)
        {
            case ExprType.String:
                return result.StringValue == expectedString ? null : $"expected string \"{expectedString}\", got \"{result.StringValue}\"";
            case ExprType.Scalar:
                {
                    if (expected.Count != 1 || !double.TryParse(expected[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var want) && !TryParseSpecial(expected[0], out want))
                    {
                        return $"got scalar {result.Scalar.Value}, expected {string.Join(" | ", expected)}";
                    }

                    return Close(want, result.Scalar.Value) ? null : $"expected scalar {want}, got {result.Scalar.Value}";
                }

            case ExprType.Matrix:
                if (rangeVector is not { } rv)
                {
                    return "got a range vector without \"expect range vector\"";
                }

                return CompareMatrix(result, expected, rv.From, rv.Step, ordered: false);
            default:
                {
                    var want = new List<(LabelSet Labels, double Value)>();
                    foreach (var line in expected)
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
                        var g = ordered ? got[k] : got.FirstOrDefault(s => s.Labels == want[k].Labels);
                        if (g is null || g.Labels != want[k].Labels)
                        {
                            return $"expected {want[k].Labels} {want[k].Value}{(ordered ? $" at position {k}" : string.Empty)}; got {Describe(got)}";
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

    /// <summary>Adds <c>@ at</c> to selectors and subqueries without one; a subquery's inside is left alone (its steps are its own).</summary>
    private static Expr WithAt(Expr e, long at) => e switch
    {
        VectorSelector v when v.Timestamp is null && v.At == AtModifier.None => v with { Timestamp = at },
        MatrixSelector m when m.Selector.Timestamp is null && m.Selector.At == AtModifier.None => m with { Selector = m.Selector with { Timestamp = at } },
        SubqueryExpr q when q.Timestamp is null && q.At == AtModifier.None => q with { Timestamp = at },
        SubqueryExpr q => q,
        AggregateExpr a => a with { Param = a.Param is null ? null : WithAt(a.Param, at), Expr = WithAt(a.Expr, at) },
        BinaryExpr b => b with { Lhs = WithAt(b.Lhs, at), Rhs = WithAt(b.Rhs, at) },
        CallExpr c => c with { Args = c.Args.Select(x => WithAt(x, at)).ToArray() },
        ParenExpr p => p with { Expr = WithAt(p.Expr, at) },
        UnaryExpr u => u with { Expr = WithAt(u.Expr, at) },
        _ => e,
    };

    private static bool TryParseSpecial(string s, out double v)
    {
        v = s switch
        {
            "NaN" => double.NaN,
            "Inf" or "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => 0,
        };
        return s is "NaN" or "Inf" or "+Inf" or "-Inf";
    }

    private static string? CompareMatrix(QueryResult result, List<string> expected, long from, long step, bool ordered)
    {
        _ = ordered;
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
}
