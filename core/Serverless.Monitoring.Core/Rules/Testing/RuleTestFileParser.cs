using System.Globalization;
using Serverless.Monitoring.Core.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// promtool's decode of a unit-test file: go-yaml v2's <c>UnmarshalStrict</c> into its types
/// (<c>main.unitTestFile</c>, <c>main.testGroup</c>, …), whose names the errors keep. Stops at the
/// first problem (go-yaml lists its type errors all, without columns or fields); nothing is checked beyond
/// the decode here, as promtool checks the rest (alert names, series, labels) when a test runs.
/// </summary>
internal static class RuleTestFileParser
{
    private const string FileType = "main.unitTestFile";
    private const string GroupType = "main.testGroup";
    private const string SeriesType = "main.series";
    private const string AlertTestType = "main.alertTestCase";
    private const string AlertType = "main.alert";
    private const string ExprTestType = "main.promqlTestCase";
    private const string SampleType = "main.sample";
    private const string MapType = "map[string]string";

    public static RuleTestFile Parse(string yaml, string path)
    {
        // go-yaml v2's Unmarshal reads the first document and ignores the rest, as the v3 dialect
        // does here (a key set twice is then worded as go-yaml v3 words it).
        var root = YamlDocumentLoader.Load(path, yaml, YamlDialect.GoYamlV3);
        var file = new RuleTestFile { Path = path };
        root.Fields(FileType, (key, v) =>
        {
            switch (key)
            {
                case "rule_files": file = file with { RuleFiles = v.StringList() }; return true;
                case "evaluation_interval": file = file with { EvaluationInterval = v.Duration() }; return true;
                case "group_eval_order": file = file with { GroupEvalOrder = v.StringList() }; return true;
                case "tests": file = file with { Tests = v.List($"[]{GroupType}", Group) }; return true;
                default: return false;
            }
        });
        return file;
    }

    private static RuleTestGroup Group(ConfigNode node)
    {
        var group = new RuleTestGroup();
        node.Fields(GroupType, (key, v) =>
        {
            switch (key)
            {
                case "name": group = group with { Name = v.String() }; return true;
                case "interval": group = group with { Interval = v.Duration() }; return true;
                case "input_series": group = group with { InputSeries = v.List($"[]{SeriesType}", Series) }; return true;
                case "alert_rule_test": group = group with { AlertRuleTests = v.List($"[]{AlertTestType}", AlertTest) }; return true;
                case "promql_expr_test": group = group with { PromqlExprTests = v.List($"[]{ExprTestType}", ExprTest) }; return true;
                case "external_labels": group = group with { ExternalLabels = v.StringMap("labels.Labels") }; return true;
                case "external_url": group = group with { ExternalUrl = v.String() }; return true;
                default: return false;
            }
        });
        return group;
    }

    private static InputSeries Series(ConfigNode node)
    {
        var (series, values) = (string.Empty, string.Empty);
        node.Fields(SeriesType, (key, v) =>
        {
            switch (key)
            {
                case "series": series = v.String(); return true;
                case "values": values = v.String(); return true;
                default: return false;
            }
        });
        return new InputSeries(series, values);
    }

    private static AlertRuleTest AlertTest(ConfigNode node)
    {
        var test = new AlertRuleTest();
        node.Fields(AlertTestType, (key, v) =>
        {
            switch (key)
            {
                case "eval_time": test = test with { EvalTime = v.Duration() }; return true;
                case "alertname": test = test with { AlertName = v.String() }; return true;
                case "exp_alerts": test = test with { ExpectedAlerts = v.List($"[]{AlertType}", Alert) }; return true;
                default: return false;
            }
        });
        return test;
    }

    private static ExpectedAlert Alert(ConfigNode node)
    {
        var alert = new ExpectedAlert();
        node.Fields(AlertType, (key, v) =>
        {
            switch (key)
            {
                case "exp_labels": alert = alert with { Labels = v.StringMap(MapType) }; return true;
                case "exp_annotations": alert = alert with { Annotations = v.StringMap(MapType) }; return true;
                default: return false;
            }
        });
        return alert;
    }

    private static PromqlExprTest ExprTest(ConfigNode node)
    {
        var test = new PromqlExprTest();
        node.Fields(ExprTestType, (key, v) =>
        {
            switch (key)
            {
                case "expr": test = test with { Expr = v.String() }; return true;
                case "eval_time": test = test with { EvalTime = v.Duration() }; return true;
                case "exp_samples": test = test with { ExpectedSamples = v.List($"[]{SampleType}", Sample) }; return true;
                default: return false;
            }
        });
        return test;
    }

    private static ExpectedSample Sample(ConfigNode node)
    {
        var (labels, value) = (string.Empty, 0.0);
        node.Fields(SampleType, (key, v) =>
        {
            switch (key)
            {
                case "labels": labels = v.String(); return true;
                case "value": value = Float64(v); return true;
                default: return false;
            }
        });
        return new ExpectedSample(labels, value);
    }

    /// <summary>
    /// A <c>float64</c> as go-yaml v2 resolves a plain scalar: Go integer literals (<c>0x10</c>,
    /// <c>0o17</c>, <c>0b11</c>, <c>010</c> octal), decimal floats, <c>.inf</c> and <c>.nan</c>, with
    /// underscores dropped. A quoted scalar is a string and, like an out-of-range number, no float.
    /// </summary>
    internal static double Float64(ConfigNode v)
    {
        if (v.IsNull)
        {
            return 0;
        }

        if (v.Node is YamlScalarNode { Value: { } text } scalar && scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && TryResolveFloat(text, out var value))
        {
            return value;
        }

        var kind = v.Node is YamlScalarNode s ? $"!!str `{s.Value}`" : v.Kind();
        throw v.Error($"cannot unmarshal {kind} into float64");
    }

    private static bool TryResolveFloat(string text, out double value)
    {
        switch (text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                value = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
        }

        var plain = text.Replace("_", string.Empty, StringComparison.Ordinal);
        if (TryParseGoInteger(plain, out var integer))
        {
            value = integer;
            return true;
        }

        // yaml.v2's float pattern: no hex floats, no Inf/NaN words, no out-of-range values.
        return double.TryParse(plain, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
            && plain.Length > 0 && plain[^1] is >= '0' and <= '9' or '.'
            && double.IsFinite(value);
    }

    /// <summary>Go's <c>strconv.ParseInt(s, 0, 64)</c> (or <c>ParseUint</c>) of an underscore-free literal, as a double.</summary>
    private static bool TryParseGoInteger(string s, out double value)
    {
        value = 0;
        var negative = s.StartsWith('-');
        var digits = s.StartsWith('-') || s.StartsWith('+') ? s[1..] : s;
        var (radix, body) = digits.Length > 1 && digits[0] == '0'
            ? char.ToLowerInvariant(digits[1]) switch
            {
                'x' => (16, digits[2..]),
                'o' => (8, digits[2..]),
                'b' => (2, digits[2..]),
                _ => (8, digits[1..]),
            }
            : (10, digits);
        if (body.Length == 0)
        {
            return false;
        }

        ulong magnitude = 0;
        foreach (var c in body)
        {
            var d = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : int.MaxValue;
            if (d >= radix || magnitude > (ulong.MaxValue - (ulong)d) / (ulong)radix)
            {
                return false;
            }

            magnitude = (magnitude * (ulong)radix) + (ulong)d;
        }

        if (negative && magnitude > (ulong)long.MaxValue + 1)
        {
            return false;
        }

        value = negative ? -(double)magnitude : magnitude;
        return true;
    }
}
