using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>Function calls (upstream's functions.go), float samples only.</summary>
internal sealed partial class Evaluator
{
    private static Expr Unwrap(Expr e) => e switch
    {
        ParenExpr p => Unwrap(p.Expr),
        StepInvariantExpr s => Unwrap(s.Expr),
        _ => e,
    };

    private Value EvalCall(CallExpr c, long t)
    {
        var name = c.Function.Name;
        switch (name)
        {
            case "time":
                return new ScalarValue(t / 1000.0);
            case "pi":
                return new ScalarValue(Math.PI);
            case "step":
                return new ScalarValue(Step / 1000.0);
            case "range":
                return new ScalarValue((End - Start) / 1000.0);
            case "start":
                return new ScalarValue(Start / 1000.0);
            case "end":
                return new ScalarValue(End / 1000.0);
            case "min_of":
            case "max_of":
                {
                    var a = ((ScalarValue)Eval(c.Args[0], t)).V;
                    var b = ((ScalarValue)Eval(c.Args[1], t)).V;
                    return new ScalarValue(double.IsNaN(a) || double.IsNaN(b) ? double.NaN : name == "min_of" ? Math.Min(a, b) : Math.Max(a, b));
                }

            case "vector":
                return new VectorValue([new VSample(LabelSet.Empty, t, ((ScalarValue)Eval(c.Args[0], t)).V)]);
            case "scalar":
                {
                    var v = ((VectorValue)Eval(c.Args[0], t)).Samples;
                    return new ScalarValue(v.Count == 1 ? v[0].F : double.NaN);
                }

            case "timestamp":
                {
                    var arg = Unwrap(c.Args[0]);
                    var v = ((VectorValue)Eval(c.Args[0], t)).Samples;
                    var raw = arg is VectorSelector;
                    return CheckDuplicates(new VectorValue(v.Select(x => new VSample(DropName(x.Metric), t, (raw ? x.T : t) / 1000.0)).ToList()));
                }

            case "absent":
                {
                    var v = ((VectorValue)Eval(c.Args[0], t)).Samples;
                    return v.Count > 0 ? new VectorValue([]) : new VectorValue([new VSample(AbsentLabels(c.Args[0]), t, 1)]);
                }

            case "absent_over_time":
                {
                    var m = (MatrixValue)Eval(c.Args[0], t);
                    return m.Series.Any(s => s.Points.Count > 0) ? new VectorValue([]) : new VectorValue([new VSample(AbsentLabels(c.Args[0]), t, 1)]);
                }

            case "label_replace":
                return LabelReplace(c, t);
            case "label_join":
                return LabelJoin(c, t);
            case "sort":
            case "sort_desc":
                {
                    var v = ((VectorValue)Eval(c.Args[0], t)).Samples;
                    var desc = name == "sort_desc";
                    return new VectorValue(v.OrderBy(x => x, Comparer<VSample>.Create((a, b) => SortCompare(a.F, b.F, desc))).ToList());
                }

            case "sort_by_label":
            case "sort_by_label_desc":
                {
                    var v = ((VectorValue)Eval(c.Args[0], t)).Samples;
                    var labels = c.Args.Skip(1).Select(a => ((StringValue)Eval(a, t)).S).ToArray();
                    var desc = name == "sort_by_label_desc";
                    var sorted = v.ToList();
                    sorted.Sort((a, b) =>
                    {
                        foreach (var l in labels)
                        {
                            var r = NaturalCompare(a.Metric.Get(l), b.Metric.Get(l));
                            if (r != 0)
                            {
                                return desc ? -r : r;
                            }
                        }

                        var r2 = LabelSet.Compare(a.Metric, b.Metric);
                        return desc ? -r2 : r2;
                    });
                    return new VectorValue(sorted);
                }

            case "histogram_quantiles":
                return HistogramQuantiles(c, t);
            case "histogram_fraction":
                return HistogramFraction(c, t);
            case "histogram_quantile":
                return HistogramQuantile(c, t);
            case "round":
                {
                    var v = ((VectorValue)Eval(c.Args[0], t)).Samples;
                    var to = c.Args.Count > 1 ? ((ScalarValue)Eval(c.Args[1], t)).V : 1;
                    var inv = 1 / to;
                    return Simple(v, t, f => Math.Floor((f * inv) + 0.5) / inv);
                }

            case "clamp":
                {
                    var v = ((VectorValue)Eval(c.Args[0], t)).Samples;
                    var min = ((ScalarValue)Eval(c.Args[1], t)).V;
                    var max = ((ScalarValue)Eval(c.Args[2], t)).V;
                    return max < min ? new VectorValue([]) : Simple(v, t, f => Math.Max(min, Math.Min(max, f)));
                }

            case "clamp_min":
                {
                    var v = ((VectorValue)Eval(c.Args[0], t)).Samples;
                    var min = ((ScalarValue)Eval(c.Args[1], t)).V;
                    return Simple(v, t, f => Math.Max(min, f));
                }

            case "clamp_max":
                {
                    var v = ((VectorValue)Eval(c.Args[0], t)).Samples;
                    var max = ((ScalarValue)Eval(c.Args[1], t)).V;
                    return Simple(v, t, f => Math.Min(max, f));
                }

            case "days_in_month":
            case "day_of_month":
            case "day_of_week":
            case "day_of_year":
            case "hour":
            case "minute":
            case "month":
            case "year":
                {
                    List<VSample> v = c.Args.Count == 0 ? [new VSample(LabelSet.Empty, t, t / 1000.0)] : ((VectorValue)Eval(c.Args[0], t)).Samples;
                    return Simple(v, t, f => DateFunc(name, f));
                }

            case "quantile_over_time":
                {
                    var q = ((ScalarValue)Eval(c.Args[0], t)).V;
                    var m = (MatrixValue)Eval(c.Args[1], t);
                    if (m.Series.Any(x => x.Points.Count > 0))
                    {
                        // Upstream warns only when there is a series to compute over.
                        CheckQuantile(q, c.Args[0]);
                    }

                    return OverTime(m, t, (p, _) => Quantile(q, p.Select(x => x.Value).ToList()), dropName: true);
                }

            case "predict_linear":
                {
                    var m = (MatrixValue)Eval(c.Args[0], t);
                    var d = ((ScalarValue)Eval(c.Args[1], t)).V;
                    return OverTime(m, t, (p, _) =>
                    {
                        if (p.Count < 2)
                        {
                            return null;
                        }

                        var (slope, intercept) = LinearRegression(p, t);
                        return (slope * d) + intercept;
                    }, dropName: true);
                }

            case "double_exponential_smoothing":
            case "holt_winters":
                {
                    var m = (MatrixValue)Eval(c.Args[0], t);
                    var sf = ((ScalarValue)Eval(c.Args[1], t)).V;
                    var tf = ((ScalarValue)Eval(c.Args[2], t)).V;
                    if (sf <= 0 || sf >= 1)
                    {
                        throw new PromQLEvaluationException($"invalid smoothing factor. Expected: 0 < sf < 1, got: {Printer.FormatNumber(sf)}");
                    }

                    if (tf <= 0 || tf >= 1)
                    {
                        throw new PromQLEvaluationException($"invalid trend factor. Expected: 0 < tf < 1, got: {Printer.FormatNumber(tf)}");
                    }

                    return OverTime(m, t, (p, _) => HoltWinters(p, sf, tf), dropName: true);
                }
        }

        if (Math1.TryGetValue(name, out var fn))
        {
            return Simple(((VectorValue)Eval(c.Args[0], t)).Samples, t, fn);
        }

        if (c.Args.Count == 1 && c.Args[0].Type == ExprType.Matrix)
        {
            var arg = Unwrap(c.Args[0]);
            if (arg is MatrixSelector selector && TrySeriesMajor(c, selector, t, out var precomputed))
            {
                return precomputed;
            }

            var m = (MatrixValue)Eval(c.Args[0], t);
            var (f, dropName) = OverTimeFunction(name);
            var result = OverTime(m, t, f, dropName);
            if (NotesNonCounters(name))
            {
                NoteNonCounters(c, m, result);
            }

            // The selector's point lists went into the function only: reuse them for the next step.
            if (arg is MatrixSelector)
            {
                ReturnPoints(m);
            }

            return result;
        }

        throw new PromQLEvaluationException($"function \"{name}\" is not implemented");
    }

    /// <summary>rate and increase note series whose names do not look like counters.</summary>
    private static bool NotesNonCounters(string name) => name is "rate" or "increase";

    /// <summary>A function over a range vector: its value for one series' points (null: no output), and whether it drops the metric name.</summary>
    private static (Func<List<Sample>, MatrixValue, double?> F, bool DropName) OverTimeFunction(string name) => name switch
    {
        "rate" => ((p, m) => ExtrapolatedRate(p, m, isCounter: true, isRate: true), true),
        "increase" => ((p, m) => ExtrapolatedRate(p, m, isCounter: true, isRate: false), true),
        "delta" => ((p, m) => ExtrapolatedRate(p, m, isCounter: false, isRate: false), true),
        "irate" => ((p, m) => Instant(p, isRate: true), true),
        "idelta" => ((p, m) => Instant(p, isRate: false), true),
        "avg_over_time" => ((p, m) => Average(p.Select(x => x.Value).ToList()), true),
        "sum_over_time" => ((p, m) => KahanSum(p.Select(x => x.Value)), true),
        "count_over_time" => ((p, m) => p.Count, true),
        "min_over_time" => ((p, m) => p.Select(x => x.Value).Aggregate(double.NaN, (a, v) => double.IsNaN(a) || v < a ? v : a), true),
        "max_over_time" => ((p, m) => p.Select(x => x.Value).Aggregate(double.NaN, (a, v) => double.IsNaN(a) || v > a ? v : a), true),
        "stddev_over_time" => ((p, m) => Math.Sqrt(Variance(p.Select(x => x.Value).ToList())), true),
        "stdvar_over_time" => ((p, m) => Variance(p.Select(x => x.Value).ToList()), true),
        "last_over_time" => ((p, m) => p[^1].Value, false),
        "first_over_time" => ((p, m) => p[0].Value, false),
        "ts_of_last_over_time" => ((p, m) => p[^1].TimestampMs / 1000.0, true),
        "ts_of_first_over_time" => ((p, m) => p[0].TimestampMs / 1000.0, true),
        "ts_of_max_over_time" => ((p, m) => TsOfExtreme(p, max: true), true),
        "ts_of_min_over_time" => ((p, m) => TsOfExtreme(p, max: false), true),
        "present_over_time" => ((p, m) => 1, true),
        "mad_over_time" => ((p, m) => Mad(p.Select(x => x.Value).ToList()), true),
        "changes" => ((p, m) => Changes(p, resets: false), true),
        "resets" => ((p, m) => Changes(p, resets: true), true),
        "deriv" => ((p, m) => p.Count < 2 ? null : LinearRegression(p, p[0].TimestampMs).Slope, true),
        _ => throw new PromQLEvaluationException($"function \"{name}\" is not implemented"),
    };

    private static readonly Dictionary<string, Func<double, double>> Math1 = new()
    {
        ["abs"] = Math.Abs,
        ["ceil"] = Math.Ceiling,
        ["floor"] = Math.Floor,
        ["sqrt"] = Math.Sqrt,
        ["exp"] = Math.Exp,
        ["ln"] = Math.Log,
        ["log2"] = Math.Log2,
        ["log10"] = Math.Log10,
        ["sgn"] = v => double.IsNaN(v) ? v : Math.Sign(v),
        ["sin"] = Math.Sin,
        ["cos"] = Math.Cos,
        ["tan"] = Math.Tan,
        ["asin"] = Math.Asin,
        ["acos"] = Math.Acos,
        ["atan"] = Math.Atan,
        ["sinh"] = Math.Sinh,
        ["cosh"] = Math.Cosh,
        ["tanh"] = Math.Tanh,
        ["asinh"] = Math.Asinh,
        ["acosh"] = Math.Acosh,
        ["atanh"] = Math.Atanh,
        ["deg"] = v => v * 180 / Math.PI,
        ["rad"] = v => v * Math.PI / 180,
    };

    /// <summary>
    /// Upstream's info for rate/increase over a named series that does not look like a counter: by
    /// name suffix, or by its <c>__type__</c> label when type-and-unit labels are on. Only series
    /// that give a result (two or more samples) count.
    /// </summary>
    private VectorValue NoteNonCounters(CallExpr c, MatrixValue m, VectorValue result)
    {
        foreach (var s in m.Series)
        {
            var metricName = s.Metric.MetricName;
            if (s.Points.Count < 2 || metricName.Length == 0)
            {
                continue;
            }

            if (TypeAndUnitLabels)
            {
                var type = s.Metric.Get("__type__");
                if (type is not ("counter" or "histogram"))
                {
                    AddInfo($"PromQL info: metric might not be a counter, __type__ label is not set to \"counter\" or \"histogram\", got \"{type}\": \"{metricName}\"", c.Args[0].Position);
                }
            }
            else if (!(metricName.EndsWith("_total", StringComparison.Ordinal) || metricName.EndsWith("_sum", StringComparison.Ordinal)
                || metricName.EndsWith("_count", StringComparison.Ordinal) || metricName.EndsWith("_bucket", StringComparison.Ordinal)))
            {
                AddInfo($"PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"{metricName}\"", c.Args[0].Position);
            }
        }

        return result;
    }

    private void AddInfo(string text, PositionRange position) => Annotations.Add(AnnotationSeverity.Info, text, position);

    private void AddWarning(string text, PositionRange position) => Annotations.Add(AnnotationSeverity.Warning, text, position);

    /// <summary>Upstream's InvalidQuantileWarning, raised when q is outside [0, 1] or NaN.</summary>
    private void CheckQuantile(double q, Expr arg)
    {
        if (q is < 0 or > 1 || double.IsNaN(q))
        {
            AddWarning($"PromQL warning: quantile value should be between 0 and 1, got {GoFloat.FormatG(q)}", arg.Position);
        }
    }

    private static VectorValue Simple(List<VSample> v, long t, Func<double, double> f) =>
        CheckDuplicates(new VectorValue(v.Select(x => new VSample(DropName(x.Metric), t, f(x.F))).ToList()));

    private static VectorValue OverTime(MatrixValue m, long t, Func<List<Sample>, MatrixValue, double?> f, bool dropName)
    {
        var result = new List<VSample>(m.Series.Count);
        foreach (var s in m.Series)
        {
            if (s.Points.Count == 0)
            {
                continue;
            }

            var v = f(s.Points, m);
            if (v is { } value)
            {
                result.Add(new VSample(dropName ? DropName(s.Metric) : s.Metric, t, value));
            }
        }

        return CheckDuplicates(new VectorValue(result));
    }

    private static double? ExtrapolatedRate(List<Sample> p, MatrixValue m, bool isCounter, bool isRate)
    {
        if (p.Count < 2)
        {
            return null;
        }

        var result = p[^1].Value - p[0].Value;
        if (isCounter)
        {
            var prev = p[0].Value;
            for (var i = 1; i < p.Count; i++)
            {
                if (p[i].Value < prev)
                {
                    result += prev;
                }

                prev = p[i].Value;
            }
        }

        return Extrapolate(result, p[0], p[^1].TimestampMs, p.Count, m.RangeStart, m.RangeEnd, isCounter, isRate);
    }

    /// <summary>
    /// upstream's extrapolatedRate after the increase over the window (<paramref name="result"/>,
    /// counter resets already added) is known: extends it to the range's edges from the first and
    /// last sample (not beyond 1.1 average intervals, nor below zero for a counter).
    /// </summary>
    private static double Extrapolate(double result, Sample first, long lastTimestampMs, int count, long rangeStart, long rangeEnd, bool isCounter, bool isRate)
    {
        var durationToStart = (first.TimestampMs - rangeStart) / 1000.0;
        var durationToEnd = (rangeEnd - lastTimestampMs) / 1000.0;
        var sampledInterval = (lastTimestampMs - first.TimestampMs) / 1000.0;
        var avg = sampledInterval / (count - 1);
        var threshold = avg * 1.1;
        if (durationToStart >= threshold)
        {
            durationToStart = avg / 2;
        }

        if (isCounter && result > 0 && first.Value >= 0)
        {
            var durationToZero = sampledInterval * (first.Value / result);
            if (durationToZero < durationToStart)
            {
                durationToStart = durationToZero;
            }
        }

        if (durationToEnd >= threshold)
        {
            durationToEnd = avg / 2;
        }

        var factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
        if (isRate)
        {
            factor /= (rangeEnd - rangeStart) / 1000.0;
        }

        return result * factor;
    }

    private static double? Instant(List<Sample> p, bool isRate) =>
        p.Count < 2 ? null : Instant(p[^2], p[^1], isRate);

    /// <summary>irate/idelta from the window's last two samples (null when they share a timestamp).</summary>
    private static double? Instant(Sample prev, Sample last, bool isRate)
    {
        var result = isRate && last.Value < prev.Value ? last.Value : last.Value - prev.Value;
        var interval = last.TimestampMs - prev.TimestampMs;
        if (interval == 0)
        {
            return null;
        }

        return isRate ? result / (interval / 1000.0) : result;
    }

    private static double Changes(List<Sample> p, bool resets)
    {
        var n = 0;
        for (var i = 1; i < p.Count; i++)
        {
            var prev = p[i - 1].Value;
            var cur = p[i].Value;
            if (resets ? cur < prev : !(cur == prev || (double.IsNaN(cur) && double.IsNaN(prev))))
            {
                n++;
            }
        }

        return n;
    }

    private static double TsOfExtreme(List<Sample> p, bool max)
    {
        var best = p[0];
        foreach (var s in p.Skip(1))
        {
            if (double.IsNaN(best.Value) || (max ? s.Value >= best.Value : s.Value <= best.Value))
            {
                best = s;
            }
        }

        return best.TimestampMs / 1000.0;
    }

    private static double Mad(List<double> values)
    {
        if (values.Any(double.IsNaN))
        {
            return double.NaN;
        }

        var median = Quantile(0.5, values.ToList());
        return Quantile(0.5, values.Select(v => Math.Abs(v - median)).ToList());
    }

    private static (double Slope, double Intercept) LinearRegression(List<Sample> p, long interceptTime)
    {
        double n = 0, sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
        var initY = p[0].Value;
        var constY = true;
        for (var i = 0; i < p.Count; i++)
        {
            if (constY && i > 0 && p[i].Value != initY)
            {
                constY = false;
            }

            n++;
            var x = (p[i].TimestampMs - interceptTime) / 1e3;
            (sumX, cX) = KahanInc(x, sumX, cX);
            (sumY, cY) = KahanInc(p[i].Value, sumY, cY);
            (sumXY, cXY) = KahanInc(x * p[i].Value, sumXY, cXY);
            (sumX2, cX2) = KahanInc(x * x, sumX2, cX2);
        }

        if (constY)
        {
            return double.IsInfinity(initY) ? (double.NaN, double.NaN) : (0, initY);
        }

        sumX += cX;
        sumY += cY;
        sumXY += cXY;
        sumX2 += cX2;
        var covXY = sumXY - (sumX * sumY / n);
        var varX = sumX2 - (sumX * sumX / n);
        var slope = covXY / varX;
        var intercept = (sumY / n) - (slope * sumX / n);
        return (slope, intercept);
    }

    private static double? HoltWinters(List<Sample> p, double sf, double tf)
    {
        if (p.Count < 2)
        {
            return null;
        }

        double s0 = 0, s1 = p[0].Value, b = p[1].Value - p[0].Value;
        for (var i = 1; i < p.Count; i++)
        {
            var x = sf * p[i].Value;
            if (i > 1)
            {
                b = (tf * (s1 - s0)) + ((1 - tf) * b);
            }

            var y = (1 - sf) * (s1 + b);
            s0 = s1;
            s1 = x + y;
        }

        return s1;
    }

    private static double DateFunc(string name, double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || Math.Abs(seconds) > 1e15)
        {
            return double.NaN;
        }

        var d = DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond)).UtcDateTime;
        return name switch
        {
            "days_in_month" => DateTime.DaysInMonth(d.Year, d.Month),
            "day_of_month" => d.Day,
            "day_of_week" => (int)d.DayOfWeek,
            "day_of_year" => d.DayOfYear,
            "hour" => d.Hour,
            "minute" => d.Minute,
            "month" => d.Month,
            "year" => d.Year,
            _ => double.NaN,
        };
    }

    private static int SortCompare(double a, double b, bool desc)
    {
        if (double.IsNaN(a))
        {
            return double.IsNaN(b) ? 0 : 1;
        }

        if (double.IsNaN(b))
        {
            return -1;
        }

        return desc ? b.CompareTo(a) : a.CompareTo(b);
    }

    private static int NaturalCompare(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                var si = i;
                var sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i]))
                {
                    i++;
                }

                while (j < b.Length && char.IsAsciiDigit(b[j]))
                {
                    j++;
                }

                var na = a[si..i].TrimStart('0');
                var nb = b[sj..j].TrimStart('0');
                var c = na.Length != nb.Length ? na.Length.CompareTo(nb.Length) : string.CompareOrdinal(na, nb);
                if (c != 0)
                {
                    return c;
                }
            }
            else
            {
                var c = a[i].CompareTo(b[j]);
                if (c != 0)
                {
                    return c;
                }

                i++;
                j++;
            }
        }

        return (a.Length - i).CompareTo(b.Length - j);
    }

    private static LabelSet AbsentLabels(Expr arg)
    {
        var e = Unwrap(arg);
        var vs = e switch
        {
            VectorSelector v => v,
            MatrixSelector m => m.Selector,
            _ => null,
        };
        if (vs is null)
        {
            return LabelSet.Empty;
        }

        var b = new LabelSetBuilder();
        var counts = vs.Matchers.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var m in vs.Matchers)
        {
            if (m.Type == LabelMatchType.Equal && m.Name != LabelValidation.MetricNameLabel && counts[m.Name] == 1)
            {
                b.Set(m.Name, m.Value);
            }
        }

        return b.Build();
    }

    private VectorValue LabelReplace(CallExpr c, long t)
    {
        var v = ((VectorValue)Eval(c.Args[0], t)).Samples;
        var dst = ((StringValue)Eval(c.Args[1], t)).S;
        var repl = ((StringValue)Eval(c.Args[2], t)).S;
        var src = ((StringValue)Eval(c.Args[3], t)).S;
        var regexText = ((StringValue)Eval(c.Args[4], t)).S;
        Regex regex;
        try
        {
            if (!RegexTranslation.TryTranslate(regexText, out var translated, out _))
            {
                throw new ArgumentException(regexText);
            }

            regex = MatcherCache.GetOrCreateAnchored(translated);
        }
        catch (ArgumentException)
        {
            throw new PromQLEvaluationException($"invalid regular expression in label_replace(): {regexText}");
        }

        if (!LabelValidation.IsValidLabelName(dst))
        {
            throw new PromQLEvaluationException($"invalid destination label name in label_replace(): {dst}");
        }

        var result = new List<VSample>(v.Count);
        foreach (var s in v)
        {
            var m = regex.Match(s.Metric.Get(src));
            if (!m.Success)
            {
                result.Add(s with { T = t });
                continue;
            }

            var value = ExpandTemplate(m, repl);
            var metric = new LabelSetBuilder(s.Metric).Set(dst, value).Build();
            result.Add(new VSample(metric, t, s.F));
        }

        return CheckDuplicates(new VectorValue(result));
    }

    private static string ExpandTemplate(Match m, string template)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var ch = template[i];
            if (ch != '$' || i + 1 >= template.Length)
            {
                sb.Append(ch);
                continue;
            }

            var next = template[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }

            string name;
            if (next == '{')
            {
                var close = template.IndexOf('}', i + 2);
                if (close < 0)
                {
                    sb.Append(ch);
                    continue;
                }

                name = template[(i + 2)..close];
                i = close;
            }
            else
            {
                var j = i + 1;
                while (j < template.Length && (char.IsAsciiLetterOrDigit(template[j]) || template[j] == '_'))
                {
                    j++;
                }

                if (j == i + 1)
                {
                    sb.Append(ch);
                    continue;
                }

                name = template[(i + 1)..j];
                i = j - 1;
            }

            if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var num))
            {
                if (num < m.Groups.Count && m.Groups[num].Success)
                {
                    sb.Append(m.Groups[num].Value);
                }
            }
            else if (m.Groups[name] is { Success: true } g)
            {
                sb.Append(g.Value);
            }
        }

        return sb.ToString();
    }

    private VectorValue LabelJoin(CallExpr c, long t)
    {
        var v = ((VectorValue)Eval(c.Args[0], t)).Samples;
        var dst = ((StringValue)Eval(c.Args[1], t)).S;
        var sep = ((StringValue)Eval(c.Args[2], t)).S;
        var srcs = c.Args.Skip(3).Select(a => ((StringValue)Eval(a, t)).S).ToArray();
        if (!LabelValidation.IsValidLabelName(dst))
        {
            throw new PromQLEvaluationException($"invalid destination label name in label_join(): {dst}");
        }

        foreach (var s in srcs)
        {
            if (!LabelValidation.IsValidLabelName(s))
            {
                throw new PromQLEvaluationException($"invalid source label name in label_join(): {s}");
            }
        }

        var result = v.Select(s => new VSample(new LabelSetBuilder(s.Metric).Set(dst, string.Join(sep, srcs.Select(x => s.Metric.Get(x)))).Build(), t, s.F)).ToList();
        return CheckDuplicates(new VectorValue(result));
    }

    /// <summary>Groups classic buckets by their series without <c>le</c>; a bad <c>le</c> is warned about at <paramref name="arg"/>.</summary>
    private List<(LabelSet Key, List<(double Upper, double Count)> Buckets)> ClassicHistograms(List<VSample> input, Expr arg)
    {
        var groups = new Dictionary<LabelSet, List<(double Upper, double Count)>>();
        var order = new List<LabelSet>();
        foreach (var s in input)
        {
            var (key, upper) = MemoBucket(s.Metric);
            if (key is null)
            {
                AddWarning($"PromQL warning: bucket label \"le\" is missing or has a malformed value of \"{s.Metric.Get("le")}\"{ForMetricName(s.Metric)}", arg.Position);
                continue;
            }

            if (!groups.TryGetValue(key, out var list))
            {
                list = [];
                groups[key] = list;
                order.Add(key);
            }

            list.Add((upper, s.F));
        }

        return order.Select(k => (k, groups[k])).ToList();
    }

    private VectorValue HistogramQuantile(CallExpr c, long t)
    {
        var q = ((ScalarValue)Eval(c.Args[0], t)).V;
        var input = ((VectorValue)Eval(c.Args[1], t)).Samples;
        CheckQuantile(q, c.Args[0]);
        var result = ClassicHistograms(input, c.Args[1]).Select(h => new VSample(DropName(h.Key), t, BucketQuantile(q, h.Buckets, h.Key, c.Args[1], t))).ToList();
        return CheckDuplicates(new VectorValue(result));
    }

    private VectorValue HistogramQuantiles(CallExpr c, long t)
    {
        var input = ((VectorValue)Eval(c.Args[0], t)).Samples;
        var label = ((StringValue)Eval(c.Args[1], t)).S;
        var qs = new double[c.Args.Count - 2];
        for (var i = 2; i < c.Args.Count; i++)
        {
            qs[i - 2] = ((ScalarValue)Eval(c.Args[i], t)).V;
            CheckQuantile(qs[i - 2], c.Args[i]);
        }

        var hs = ClassicHistograms(input, c.Args[0]);
        var result = new List<VSample>();
        foreach (var h in hs)
        {
            foreach (var q in qs)
            {
                result.Add(new VSample(new LabelSetBuilder(DropName(h.Key)).Set(label, FormatOpenMetricsFloat(q)).Build(), t, BucketQuantile(q, h.Buckets.ToList(), h.Key, c.Args[0], t)));
            }
        }

        return CheckDuplicates(new VectorValue(result));
    }

    /// <summary>Upstream's " for metric name \"x\"" suffix (empty when the series has no name).</summary>
    private static string ForMetricName(LabelSet labels) =>
        labels.MetricName is { Length: > 0 } name ? $" for metric name \"{name}\"" : string.Empty;

    private VectorValue HistogramFraction(CallExpr c, long t)
    {
        var lower = ((ScalarValue)Eval(c.Args[0], t)).V;
        var upper = ((ScalarValue)Eval(c.Args[1], t)).V;
        var input = ((VectorValue)Eval(c.Args[2], t)).Samples;
        var result = ClassicHistograms(input, c.Args[2]).Select(h => new VSample(DropName(h.Key), t, BucketFraction(lower, upper, h.Buckets))).ToList();
        return CheckDuplicates(new VectorValue(result));
    }

    /// <summary>OpenMetrics float text: integers get a trailing <c>.0</c> (<c>1.0</c>, <c>0.25</c>).</summary>
    private static string FormatOpenMetricsFloat(double v)
    {
        var text = Printer.FormatNumber(v);
        return double.IsFinite(v) && !text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.Ordinal) ? text + ".0" : text;
    }

    private static List<(double Upper, double Count)> Coalesce(List<(double Upper, double Count)> buckets)
    {
        buckets.Sort((a, b) => a.Upper.CompareTo(b.Upper));
        var merged = new List<(double Upper, double Count)>();
        foreach (var b in buckets)
        {
            if (merged.Count > 0 && merged[^1].Upper == b.Upper)
            {
                merged[^1] = (b.Upper, merged[^1].Count + b.Count);
            }
            else
            {
                merged.Add(b);
            }
        }

        return merged;
    }

    private static double BucketFraction(double lower, double upper, List<(double Upper, double Count)> input)
    {
        if (input.Count == 0)
        {
            return double.NaN;
        }

        var buckets = Coalesce(input);
        if (!double.IsPositiveInfinity(buckets[^1].Upper))
        {
            return double.NaN;
        }

        var count = buckets[^1].Count;
        if (count == 0 || double.IsNaN(lower) || double.IsNaN(upper))
        {
            return double.NaN;
        }

        if (lower >= upper)
        {
            return 0;
        }

        double rank = 0, lowerRank = 0, upperRank = 0;
        bool lowerSet = false, upperSet = false;
        for (var i = 0; i < buckets.Count; i++)
        {
            var lowerBound = i > 0 ? buckets[i - 1].Upper : (buckets[0].Upper > 0 ? 0 : double.NegativeInfinity);
            var upperBound = buckets[i].Upper;
            var bucketCount = buckets[i].Count;
            var r = rank;
            double Interpolate(double v) =>
                double.IsInfinity(lowerBound) || double.IsInfinity(upperBound) ? (double.IsInfinity(lowerBound) ? bucketCount : r) : r + ((bucketCount - r) * (v - lowerBound) / (upperBound - lowerBound));

            if (!lowerSet && lowerBound >= lower)
            {
                lowerRank = rank;
                lowerSet = true;
            }

            if (!upperSet && lowerBound >= upper)
            {
                upperRank = rank;
                upperSet = true;
            }

            if (lowerSet && upperSet)
            {
                break;
            }

            if (!lowerSet && lowerBound < lower && upperBound > lower)
            {
                lowerRank = Interpolate(lower);
                lowerSet = true;
            }

            if (!upperSet && lowerBound < upper && upperBound > upper)
            {
                upperRank = Interpolate(upper);
                upperSet = true;
            }

            if (lowerSet && upperSet)
            {
                break;
            }

            rank = bucketCount;
        }

        if (!lowerSet || lowerRank > count)
        {
            lowerRank = count;
        }

        if (!upperSet || upperRank > count)
        {
            upperRank = count;
        }

        return (upperRank - lowerRank) / count;
    }

    /// <summary>Upstream's almost.Equal: relative difference under <paramref name="epsilon"/> (absolute near zero).</summary>
    private static bool AlmostEqual(double a, double b, double epsilon)
    {
        const double minNormal = 2.2250738585072014E-308;
        if ((double.IsNaN(a) && double.IsNaN(b)) || a == b)
        {
            return true;
        }

        var absSum = Math.Abs(a) + Math.Abs(b);
        var diff = Math.Abs(a - b);
        if (a == 0 || b == 0 || absSum < minNormal)
        {
            return diff < epsilon * minNormal;
        }

        return diff / Math.Min(absSum, double.MaxValue) < epsilon;
    }

    private static bool TryParseLe(string le, out double v)
    {
        v = 0;
        if (le.Length == 0)
        {
            return false;
        }

        var s = le.Trim();
        if (s is "+Inf" or "Inf" or "+inf" or "inf")
        {
            v = double.PositiveInfinity;
            return true;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v);
    }

    /// <summary>Upstream's BucketQuantile; a monotonicity fix-up is noted (merged over series and steps) at <paramref name="arg"/>.</summary>
    private double BucketQuantile(double q, List<(double Upper, double Count)> buckets, LabelSet series, Expr arg, long t)
    {
        if (double.IsNaN(q))
        {
            return double.NaN;
        }

        if (q < 0)
        {
            return double.NegativeInfinity;
        }

        if (q > 1)
        {
            return double.PositiveInfinity;
        }

        buckets.Sort((a, b) => a.Upper.CompareTo(b.Upper));
        if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].Upper))
        {
            return double.NaN;
        }

        var merged = new List<(double Upper, double Count)>();
        foreach (var b in buckets)
        {
            if (merged.Count > 0 && merged[^1].Upper == b.Upper)
            {
                merged[^1] = (b.Upper, merged[^1].Count + b.Count);
            }
            else
            {
                merged.Add(b);
            }
        }

        // Counts equal within a relative 1e-12 are made equal silently; any other decrease is
        // forced up to the previous count and reported.
        var forced = false;
        double minBucket = double.PositiveInfinity, maxBucket = double.NegativeInfinity, maxDiff = 0;
        var prev = merged[0].Count;
        for (var i = 1; i < merged.Count; i++)
        {
            var curr = merged[i].Count;
            if (curr == prev)
            {
                continue;
            }

            if (AlmostEqual(prev, curr, 1e-12))
            {
                merged[i] = (merged[i].Upper, prev);
                continue;
            }

            if (curr < prev)
            {
                merged[i] = (merged[i].Upper, prev);
                forced = true;
                minBucket = Math.Min(minBucket, merged[i].Upper);
                maxBucket = Math.Max(maxBucket, merged[i].Upper);
                maxDiff = Math.Max(maxDiff, prev - curr);
                continue;
            }

            prev = curr;
        }

        if (forced)
        {
            Annotations.AddMonotonicityFix(
                "PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)" + ForMetricName(series),
                arg.Position,
                t,
                minBucket,
                maxBucket,
                maxDiff);
        }

        if (merged.Count < 2)
        {
            return double.NaN;
        }

        var observations = merged[^1].Count;
        if (observations == 0)
        {
            return double.NaN;
        }

        var rank = q * observations;
        var idx = merged.FindIndex(b => b.Count >= rank);
        if (idx < 0)
        {
            idx = merged.Count - 1;
        }

        if (idx == merged.Count - 1)
        {
            return merged[^2].Upper;
        }

        if (idx == 0 && merged[0].Upper <= 0)
        {
            return merged[0].Upper;
        }

        double bucketStart = 0;
        var bucketEnd = merged[idx].Upper;
        var count = merged[idx].Count;
        if (idx > 0)
        {
            bucketStart = merged[idx - 1].Upper;
            count -= merged[idx - 1].Count;
            rank -= merged[idx - 1].Count;
        }

        return bucketStart + ((bucketEnd - bucketStart) * (rank / count));
    }
}
