using System.Globalization;
using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Text;

namespace Serverless.Monitoring.Core.PromQL;

/// <summary>
/// Prints expressions as Prometheus does: <see cref="Format"/> is upstream's one-line
/// <c>String()</c>; <see cref="Pretty"/> is <c>Pretty(0)</c>, the multi-line form that
/// <c>/api/v1/format_query</c> returns (nodes longer than 100 characters are split, two spaces
/// of indent per level).
/// </summary>
public static class Printer
{
    private const int MaxCharactersPerLine = 100;

    /// <summary>One line, as upstream's <c>String()</c>.</summary>
    public static string Format(Expr expr)
    {
        ArgumentNullException.ThrowIfNull(expr);
        var sb = new StringBuilder();
        Write(sb, expr);
        return sb.ToString();
    }

    /// <summary>Upstream's <c>Pretty(0)</c>, what <c>/api/v1/format_query</c> answers.</summary>
    public static string Pretty(Expr expr) => Pretty(expr, MaxCharactersPerLine);

    /// <summary>Upstream's <c>Pretty(0)</c> with another line limit (upstream's tests use 10).</summary>
    public static string Pretty(Expr expr, int maxCharactersPerLine)
    {
        ArgumentNullException.ThrowIfNull(expr);
        return new PrettyPrinter(maxCharactersPerLine).Pretty(expr, 0);
    }

    /// <summary>Upstream's <c>Pretty(level)</c> recursion with a configurable line limit.</summary>
    private sealed class PrettyPrinter(int maxCharactersPerLine)
    {
        public string Pretty(Expr expr, int level)
        {
            var indent = new string(' ', 2 * level);
            switch (expr)
            {
                case AggregateExpr a:
                    {
                        if (!NeedsSplit(a))
                        {
                            return indent + Format(a);
                        }

                        var sb = new StringBuilder(indent);
                        WriteAggregateOp(sb, a);
                        sb.Append("(\n");
                        if (a.Op.IsAggregatorWithParam() && a.Param is not null)
                        {
                            sb.Append(Pretty(a.Param, level + 1)).Append(",\n");
                        }

                        sb.Append(Pretty(a.Expr, level + 1)).Append('\n').Append(indent).Append(')');
                        return sb.ToString();
                    }

                case BinaryExpr b:
                    {
                        if (!NeedsSplit(b))
                        {
                            return indent + Format(b);
                        }

                        var sb = new StringBuilder();
                        sb.Append(Pretty(b.Lhs, level + 1)).Append('\n').Append(indent).Append(b.Op.Text());
                        if (b.ReturnBool)
                        {
                            sb.Append(" bool");
                        }

                        WriteMatching(sb, b.Matching);
                        sb.Append('\n').Append(Pretty(b.Rhs, level + 1));
                        return sb.ToString();
                    }

                case CallExpr c:
                    {
                        if (!NeedsSplit(c))
                        {
                            return indent + Format(c);
                        }

                        var sb = new StringBuilder(indent).Append(c.Function.Name).Append("(\n");
                        for (var i = 0; i < c.Args.Count; i++)
                        {
                            sb.Append(Pretty(c.Args[i], level + 1));
                            if (i < c.Args.Count - 1)
                            {
                                sb.Append(",\n");
                            }
                        }

                        return sb.Append('\n').Append(indent).Append(')').ToString();
                    }

                case ParenExpr p:
                    return !NeedsSplit(p)
                        ? indent + Format(p)
                        : indent + "(\n" + Pretty(p.Expr, level + 1) + "\n" + indent + ")";
                case StepInvariantExpr s:
                    return Pretty(s.Expr, level);
                case SubqueryExpr q:
                    {
                        if (!NeedsSplit(q))
                        {
                            return Format(q);
                        }

                        var sb = new StringBuilder(Pretty(q.Expr, level));
                        WriteSubquerySuffix(sb, q);
                        return sb.ToString();
                    }

                case UnaryExpr u:
                    return indent + u.Op.Text() + Pretty(u.Expr, level).Trim();
                default:
                    return indent + Format(expr);
            }
        }

        private bool NeedsSplit(Expr e) => Format(e).Length > maxCharactersPerLine;
    }

    private static void Write(StringBuilder sb, Expr expr)
    {
        switch (expr)
        {
            case NumberLiteral n:
                sb.Append(n.IsDuration ? FormatDurationSeconds(n.Value) : FormatNumber(n.Value));
                break;
            case StringLiteral s:
                sb.Append(GoQuote(s.Value));
                break;
            case ParenExpr p:
                sb.Append('(');
                Write(sb, p.Expr);
                sb.Append(')');
                break;
            case UnaryExpr u:
                sb.Append(u.Op.Text());
                Write(sb, u.Expr);
                break;
            case StepInvariantExpr s:
                Write(sb, s.Expr);
                break;
            case VectorSelector v:
                WriteSelector(sb, v);
                WriteAtOffset(sb, v.Timestamp, v.At, v.OriginalOffset);
                break;
            case MatrixSelector m:
                WriteSelector(sb, m.Selector);
                sb.Append('[').Append(FormatDuration(m.Range)).Append(']');
                WriteAtOffset(sb, m.Selector.Timestamp, m.Selector.At, m.Selector.OriginalOffset);
                break;
            case SubqueryExpr q:
                Write(sb, q.Expr);
                WriteSubquerySuffix(sb, q);
                break;
            case CallExpr c:
                sb.Append(c.Function.Name).Append('(');
                for (var i = 0; i < c.Args.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    Write(sb, c.Args[i]);
                }

                sb.Append(')');
                break;
            case AggregateExpr a:
                WriteAggregateOp(sb, a);
                sb.Append('(');
                if (a.Op.IsAggregatorWithParam() && a.Param is not null)
                {
                    Write(sb, a.Param);
                    sb.Append(", ");
                }

                Write(sb, a.Expr);
                sb.Append(')');
                break;
            case BinaryExpr b:
                Write(sb, b.Lhs);
                sb.Append(' ').Append(b.Op.Text());
                if (b.ReturnBool)
                {
                    sb.Append(" bool");
                }

                WriteMatching(sb, b.Matching);
                sb.Append(' ');
                Write(sb, b.Rhs);
                break;
            default:
                throw new ArgumentException($"unknown node {expr.GetType().Name}", nameof(expr));
        }
    }

    private static void WriteSubquerySuffix(StringBuilder sb, SubqueryExpr q)
    {
        sb.Append('[').Append(FormatDuration(q.Range)).Append(':');
        if (q.Step != TimeSpan.Zero)
        {
            sb.Append(FormatDuration(q.Step));
        }

        sb.Append(']');
        WriteAtOffset(sb, q.Timestamp, q.At, q.OriginalOffset);
    }

    private static void WriteAggregateOp(StringBuilder sb, AggregateExpr a)
    {
        sb.Append(a.Op.Text());
        if (a.Without)
        {
            sb.Append(" without (");
            WriteLabels(sb, a.Grouping);
            sb.Append(") ");
        }
        else if (a.Grouping.Count > 0)
        {
            sb.Append(" by (");
            WriteLabels(sb, a.Grouping);
            sb.Append(") ");
        }
    }

    private static void WriteMatching(StringBuilder sb, VectorMatching? vm)
    {
        if (vm is null)
        {
            return;
        }

        var grouped = vm.Card is VectorMatchCardinality.ManyToOne or VectorMatchCardinality.OneToMany;
        if (vm.MatchingLabels.Count == 0 && !vm.On && !grouped)
        {
            return;
        }

        sb.Append(vm.On ? " on (" : " ignoring (");
        WriteLabels(sb, vm.MatchingLabels);
        sb.Append(')');
        if (grouped)
        {
            sb.Append(vm.Card == VectorMatchCardinality.ManyToOne ? " group_left (" : " group_right (");
            WriteLabels(sb, vm.Include);
            sb.Append(')');
        }
    }

    private static void WriteLabels(StringBuilder sb, IReadOnlyList<string> labels)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(LabelValidation.IsValidLegacyLabelName(labels[i]) ? labels[i] : GoQuote(labels[i]));
        }
    }

    private static void WriteSelector(StringBuilder sb, VectorSelector v)
    {
        var parts = new List<string>(v.Matchers.Count);
        foreach (var m in v.Matchers)
        {
            // The name written outside the braces is not repeated inside them.
            if (m.Name == LabelValidation.MetricNameLabel && m.Type == LabelMatchType.Equal && m.Value == v.Name && m.Value.Length != 0)
            {
                continue;
            }

            parts.Add(FormatMatcher(m));
        }

        parts.Sort(StringComparer.Ordinal);
        sb.Append(v.Name);
        if (parts.Count > 0)
        {
            sb.Append('{').AppendJoin(',', parts).Append('}');
        }
    }

    private static string FormatMatcher(LabelMatcher m)
    {
        var name = LabelValidation.IsValidLegacyLabelName(m.Name) ? m.Name : GoQuote(m.Name);
        var op = m.Type switch
        {
            LabelMatchType.Equal => "=",
            LabelMatchType.NotEqual => "!=",
            LabelMatchType.RegexMatch => "=~",
            _ => "!~",
        };
        return name + op + GoQuote(m.Value);
    }

    private static void WriteAtOffset(StringBuilder sb, long? timestamp, AtModifier at, TimeSpan offset)
    {
        if (timestamp is { } ts)
        {
            sb.Append(" @ ").Append((ts / 1000.0).ToString("F3", CultureInfo.InvariantCulture));
        }
        else if (at == AtModifier.Start)
        {
            sb.Append(" @ start()");
        }
        else if (at == AtModifier.End)
        {
            sb.Append(" @ end()");
        }

        if (offset > TimeSpan.Zero)
        {
            sb.Append(" offset ").Append(FormatDuration(offset));
        }
        else if (offset < TimeSpan.Zero)
        {
            sb.Append(" offset -").Append(FormatDuration(-offset));
        }
    }

    /// <summary>True for <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static bool IsLegacyMetricName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!(Lexer.IsAlpha(c) || c == ':' || (i > 0 && Lexer.IsDigit(c))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Prometheus's <c>model.Duration</c> string: <c>1h30m</c>, <c>1d</c>, <c>1w</c> and <c>1y</c> only when exact, <c>0s</c> for zero.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        if (ms == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        void Unit(string unit, long mult, bool exact)
        {
            if (exact && ms % mult != 0)
            {
                return;
            }

            var v = ms / mult;
            if (v > 0)
            {
                sb.Append(v.ToString(CultureInfo.InvariantCulture)).Append(unit);
                ms -= v * mult;
            }
        }

        Unit("y", 1000L * 60 * 60 * 24 * 365, true);
        Unit("w", 1000L * 60 * 60 * 24 * 7, true);
        Unit("d", 1000L * 60 * 60 * 24, false);
        Unit("h", 1000L * 60 * 60, false);
        Unit("m", 1000L * 60, false);
        Unit("s", 1000L, false);
        Unit("ms", 1, false);
        return sb.ToString();
    }

    private static string FormatDurationSeconds(double seconds)
    {
        if (seconds < 0)
        {
            return "-" + FormatDuration(TimeSpan.FromMilliseconds(Math.Truncate(-seconds * 1000)));
        }

        return FormatDuration(TimeSpan.FromMilliseconds(Math.Truncate(seconds * 1000)));
    }

    /// <summary>Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c>: shortest round-trip digits, never an exponent; <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static string FormatNumber(double value) => GoFloatFormatter.Format(value, 'f');

    /// <summary>
    /// Go's <c>strconv.Quote</c>. Lone surrogates U+DC80..U+DCFF stand for bytes that were not
    /// valid UTF-8 (see <see cref="Parser"/>'s string decoding) and print as <c>\xNN</c>.
    /// </summary>
    public static string GoQuote(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); continue;
                case '\\': sb.Append("\\\\"); continue;
                case '\a': sb.Append("\\a"); continue;
                case '\b': sb.Append("\\b"); continue;
                case '\f': sb.Append("\\f"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
                case '\v': sb.Append("\\v"); continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                var cp = char.ConvertToUtf32(c, s[i + 1]);
                var cat = CharUnicodeInfo.GetUnicodeCategory(cp);
                if (IsPrintCategory(cat))
                {
                    sb.Append(c).Append(s[i + 1]);
                }
                else
                {
                    sb.Append("\\U").Append(cp.ToString("x8", CultureInfo.InvariantCulture));
                }

                i++;
                continue;
            }

            if (c is >= '\uDC80' and <= '\uDCFF')
            {
                sb.Append("\\x").Append((c - 0xDC00).ToString("x2", CultureInfo.InvariantCulture));
                continue;
            }

            if (char.IsSurrogate(c))
            {
                sb.Append("\\ufffd");
                continue;
            }

            if (c < 0x20 || c == 0x7f)
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                continue;
            }

            if (c == ' ' || IsPrintCategory(CharUnicodeInfo.GetUnicodeCategory(c)))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append('"').ToString();
    }

    private static bool IsPrintCategory(UnicodeCategory cat) => cat switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}
