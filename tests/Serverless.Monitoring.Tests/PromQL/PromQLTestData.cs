using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Tests.PromQL;

/// <summary>Shared inputs for the PromQL parser tests: upstream's tables and the script queries.</summary>
internal static partial class PromQLTestData
{
    public static List<Dictionary<string, JsonElement>> LoadJson(string name)
    {
        using var stream = typeof(PromQLTestData).Assembly.GetManifestResourceStream("PromQL.Data." + name)
            ?? throw new InvalidOperationException($"missing resource {name}");
        return JsonSerializer.Deserialize<List<Dictionary<string, JsonElement>>>(stream)!;
    }

    /// <summary>The directory of Prometheus's .test scripts: $PROMQL_TESTDATA_DIR, else ../shared/promql-testdata from the repo root (or an ancestor).</summary>
    public static string? TestDataDirectory()
    {
        var env = Environment.GetEnvironmentVariable("PROMQL_TESTDATA_DIR");
        if (!string.IsNullOrEmpty(env))
        {
            return Directory.Exists(env) ? env : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "promql-testdata");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public sealed record ScriptQuery(string File, int Line, string Query, bool ExpectFail, string? ExpectedMessage);

    [GeneratedRegex(@"^(eval(?:_fail|_ordered|_warn|_info)?)\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$")]
    private static partial Regex EvalLine();

    /// <summary>Every eval query in every script, with whether the script expects it to fail.</summary>
    public static List<ScriptQuery> ScriptQueries()
    {
        var dir = TestDataDirectory() ?? throw new InvalidOperationException("promql-testdata not found; set PROMQL_TESTDATA_DIR");
        var result = new List<ScriptQuery>();
        foreach (var file in Directory.GetFiles(dir, "*.test").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var m = EvalLine().Match(lines[i]);
                if (!m.Success)
                {
                    continue;
                }

                var fail = m.Groups[1].Value == "eval_fail";
                string? msg = null;
                for (var j = i + 1; j < lines.Length && lines[j].Length > 0 && char.IsWhiteSpace(lines[j][0]); j++)
                {
                    var l = lines[j].Trim();
                    if (l.StartsWith("expect fail", StringComparison.Ordinal))
                    {
                        fail = true;
                        var k = l.IndexOf("msg:", StringComparison.Ordinal);
                        if (k >= 0)
                        {
                            msg = l[(k + 4)..].Trim();
                        }
                    }
                }

                result.Add(new ScriptQuery(Path.GetFileName(file), i + 1, m.Groups[2].Value, fail, msg));
            }
        }

        return result;
    }

    /// <summary>Every series description under a load command.</summary>
    public static List<(string File, int Line, string Text)> SeriesDescriptions()
    {
        var dir = TestDataDirectory() ?? throw new InvalidOperationException("promql-testdata not found");
        var result = new List<(string, int, string)>();
        foreach (var file in Directory.GetFiles(dir, "*.test").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            var inLoad = false;
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                if (line.StartsWith("load", StringComparison.Ordinal))
                {
                    inLoad = true;
                    continue;
                }

                if (line.Length == 0 || !char.IsWhiteSpace(line[0]))
                {
                    inLoad = false;
                    continue;
                }

                var t = line.Trim();
                if (inLoad && t.Length > 0 && !t.StartsWith('#'))
                {
                    result.Add((Path.GetFileName(file), i + 1, t));
                }
            }
        }

        return result;
    }

    /// <summary>A structural dump of an AST, positions left out, for comparing trees.</summary>
    public static string Dump(Expr e, bool sortMatchers = false)
    {
        var sb = new StringBuilder();
        Dump(sb, e, sortMatchers);
        return sb.ToString();
    }

    private static void Dump(StringBuilder sb, Expr e, bool sortMatchers)
    {
        void Dump(StringBuilder b, Expr x) => PromQLTestData.Dump(b, x, sortMatchers);

        switch (e)
        {
            case NumberLiteral n:
                sb.Append("Num(").Append(n.Value.ToString("R", CultureInfo.InvariantCulture)).Append(n.IsDuration ? ",dur" : string.Empty).Append(')');
                break;
            case StringLiteral s:
                sb.Append("Str(").Append(Printer.GoQuote(s.Value)).Append(')');
                break;
            case VectorSelector v:
                sb.Append("VS(").Append(v.Name).Append(';');
                sb.AppendJoin(',', v.Matchers.Select(m => $"{m.Name}|{m.Type}|{m.Value}").OrderBy(m => sortMatchers ? m : string.Empty, StringComparer.Ordinal));
                sb.Append(';').Append(v.OriginalOffset.Ticks).Append(';').Append(v.Timestamp?.ToString(CultureInfo.InvariantCulture) ?? "-").Append(';').Append(v.At).Append(')');
                break;
            case MatrixSelector m:
                sb.Append("MS(");
                Dump(sb, m.Selector);
                sb.Append(';').Append(m.Range.Ticks).Append(')');
                break;
            case SubqueryExpr q:
                sb.Append("SQ(");
                Dump(sb, q.Expr);
                sb.Append(';').Append(q.Range.Ticks).Append(';').Append(q.Step.Ticks).Append(';').Append(q.OriginalOffset.Ticks).Append(';')
                    .Append(q.Timestamp?.ToString(CultureInfo.InvariantCulture) ?? "-").Append(';').Append(q.At).Append(')');
                break;
            case CallExpr c:
                sb.Append("Call(").Append(c.Function.Name);
                foreach (var a in c.Args)
                {
                    sb.Append(';');
                    Dump(sb, a);
                }

                sb.Append(')');
                break;
            case AggregateExpr a:
                sb.Append("Agg(").Append(a.Op).Append(';').Append(a.Without ? "without" : "by").Append('[').AppendJoin(',', a.Grouping).Append("];");
                if (a.Param is not null)
                {
                    Dump(sb, a.Param);
                    sb.Append(';');
                }

                Dump(sb, a.Expr);
                sb.Append(')');
                break;
            case BinaryExpr b:
                sb.Append("Bin(").Append(b.Op).Append(b.ReturnBool ? ",bool" : string.Empty);
                if (b.Matching is { } vm)
                {
                    sb.Append(',').Append(vm.Card).Append(vm.On ? ",on[" : ",ignoring[").AppendJoin(',', vm.MatchingLabels).Append("],inc[").AppendJoin(',', vm.Include).Append(']');
                }

                sb.Append(';');
                Dump(sb, b.Lhs);
                sb.Append(';');
                Dump(sb, b.Rhs);
                sb.Append(')');
                break;
            case UnaryExpr u:
                sb.Append("Unary(").Append(u.Op).Append(';');
                Dump(sb, u.Expr);
                sb.Append(')');
                break;
            case ParenExpr p:
                sb.Append("Paren(");
                Dump(sb, p.Expr);
                sb.Append(')');
                break;
            case StepInvariantExpr s:
                sb.Append("SI(");
                Dump(sb, s.Expr);
                sb.Append(')');
                break;
            default:
                throw new InvalidOperationException(e.GetType().Name);
        }
    }
}
