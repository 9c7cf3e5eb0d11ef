using System.Globalization;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using YamlDotNet.RepresentationModel;

namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// Upstream's <c>rulefmt.Parse</c> (Prometheus 3): a strict go-yaml v3 decode (unknown fields and
/// type mismatches stop at the first, as the decoder does), then every semantic check, all
/// reported. Messages keep upstream's words; the place is where the offending field is.
/// </summary>
internal sealed class RuleFileParser
{
    private const string GroupsType = "rulefmt.RuleGroups";
    private const string GroupType = "rulefmt.RuleGroup";
    private const string RuleType = "rulefmt.Rule";
    private const string MapType = "map[string]string";

    private readonly string _fileName;
    private readonly RuleFileOptions _options;
    private readonly List<ConfigException> _errors = [];

    public RuleFileParser(string fileName, RuleFileOptions options)
    {
        _fileName = fileName;
        _options = options;
    }

    public RuleFile Parse(string yaml)
    {
        IReadOnlyList<GroupNode> groups;
        try
        {
            groups = Decode(YamlDocumentLoader.Load(_fileName, yaml, YamlDialect.GoYamlV3));
        }
        catch (ConfigException ex)
        {
            throw new RuleFileException(_fileName, [ex]);
        }

        var result = Validate(groups);
        return _errors.Count == 0 ? result : throw new RuleFileException(_fileName, _errors.ToArray());
    }

    private static IReadOnlyList<GroupNode> Decode(ConfigNode root)
    {
        ConfigNode groups = default;
        root.Fields(GroupsType, (key, v) =>
        {
            if (key != "groups")
            {
                return false;
            }

            groups = v;
            return true;
        });

        // go-yaml v3 drops null items of a list of structs.
        return groups.Node is null ? [] : [.. groups.List($"[]{GroupType}", n => n.IsNull ? null : DecodeGroup(n)).OfType<GroupNode>()];
    }

    private static GroupNode DecodeGroup(ConfigNode node)
    {
        var group = new GroupNode(node);
        node.Fields(GroupType, (key, v) =>
        {
            switch (key)
            {
                case "name": group.Name = v.String(); return true;
                case "interval": group.Interval = v.Duration(); return true;
                case "query_offset": group.QueryOffset = v.IsNull ? null : v.Duration(); return true;
                case "limit": group.Limit = GoYamlInt(v); return true;
                case "labels": group.Labels = Map(v); return true;
                case "rules": group.Rules = [.. v.List($"[]{RuleType}", n => n.IsNull ? null : DecodeRule(n)).OfType<RuleNode>()]; return true;
                default: return false;
            }
        });
        return group;
    }

    private static RuleNode DecodeRule(ConfigNode node)
    {
        var rule = new RuleNode(node);
        node.Fields(RuleType, (key, v) =>
        {
            switch (key)
            {
                case "record": rule.Record = (v.String(), v); return true;
                case "alert": rule.Alert = (v.String(), v); return true;
                case "expr": rule.Expr = (v.String(), v); return true;
                case "for": rule.For = (v.Duration(), v); return true;
                case "keep_firing_for": rule.KeepFiringFor = (v.Duration(), v); return true;
                case "labels": rule.Labels = Map(v); return true;
                case "annotations": rule.Annotations = Map(v); rule.AnnotationsNode = v; return true;
                default: return false;
            }
        });
        return rule;
    }

    private static List<Entry> Map(ConfigNode node) =>
        [.. node.Entries(MapType).Select(e => new Entry(e.Key, e.KeyNode, e.Value.String(), e.Value))];

    /// <summary>go-yaml v3 into an <c>int</c>: a float is truncated (<c>limit: 1.5</c> is 1).</summary>
    private static int GoYamlInt(ConfigNode v)
    {
        if (v.Node is YamlScalarNode { Value: { } text } && !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= int.MinValue && d <= int.MaxValue)
        {
            return (int)Math.Truncate(d);
        }

        return v.Int32();
    }

    private RuleFile Validate(IReadOnlyList<GroupNode> groups)
    {
        var scheme = _options.NameValidationScheme;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<RuleGroup>(groups.Count);
        foreach (var g in groups)
        {
            var nameField = g.Node.Child(null, "name").Path;
            if (g.Name.Length == 0)
            {
                AddError(g.Node, nameField, "Groupname must not be empty");
            }

            if (!names.Add(g.Name))
            {
                // Upstream quotes with "\"%s\"", not %q: no escaping.
                AddError(g.Node, nameField, $"groupname: \"{g.Name}\" is repeated in the same file");
            }

            CheckLabels(g.Labels, string.Empty);

            var rules = new List<Rule>(g.Rules.Count);
            for (var i = 0; i < g.Rules.Count; i++)
            {
                var r = g.Rules[i];
                var context = $"group {ConfigParser.GoQuote(g.Name)}, rule {i + 1}, {ConfigParser.GoQuote(r.Alert.Value.Length > 0 ? r.Alert.Value : r.Record.Value)}: ";
                if (ValidateRule(r, context, scheme) is { } rule)
                {
                    rules.Add(rule);
                }
            }

            result.Add(new RuleGroup
            {
                Name = g.Name,
                File = _fileName,
                Interval = g.Interval > TimeSpan.Zero ? g.Interval : null,
                QueryOffset = g.QueryOffset,
                Limit = g.Limit,
                Labels = Sorted(g.Labels),
                Rules = rules,
            });
        }

        return new RuleFile { Path = _fileName, Groups = result };
    }

    /// <summary>Upstream's <c>Rule.Validate</c>, in its order; the rule, or null when it is broken.</summary>
    private Rule? ValidateRule(RuleNode r, string context, NameValidationScheme scheme)
    {
        var errors = _errors.Count;
        var (record, alert, expr) = (r.Record.Value, r.Alert.Value, r.Expr.Value);
        if (record.Length > 0 && alert.Length > 0)
        {
            AddError(r.Record.Node, context + "only one of 'record' and 'alert' must be set");
        }

        if (record.Length == 0 && alert.Length == 0)
        {
            AddError(r.Node, r.Node.Path, context + "one of 'record' or 'alert' must be set");
        }

        if (expr.Length == 0)
        {
            AddError(r.Expr.Node.Node is null ? r.Node : r.Expr.Node, r.Node.Child(null, "expr").Path, context + "field 'expr' must be set in rule");
        }
        else if (!Parser.TryParseExpr(expr, out _, out var parseError, _options.PromQL))
        {
            AddError(r.Expr.Node, context + "could not parse expression: " + parseError!.Message);
        }

        if (record.Length > 0)
        {
            if (r.Annotations.Count > 0)
            {
                AddError(r.AnnotationsNode, context + "invalid field 'annotations' in recording rule");
            }

            if (r.For.Value != TimeSpan.Zero)
            {
                AddError(r.For.Node, context + "invalid field 'for' in recording rule");
            }

            if (r.KeepFiringFor.Value != TimeSpan.Zero)
            {
                AddError(r.KeepFiringFor.Node, context + "invalid field 'keep_firing_for' in recording rule");
            }

            if (!scheme.IsValidMetricName(record))
            {
                AddError(r.Record.Node, context + $"invalid recording rule name: {record}");
            }

            // Valid UTF-8, but most likely a selector pasted into the name.
            if (record.Contains('{', StringComparison.Ordinal) || record.Contains('}', StringComparison.Ordinal))
            {
                AddError(r.Record.Node, context + $"braces present in the recording rule name; should it be in expr?: {record}");
            }
        }

        CheckLabels(r.Labels, context);
        foreach (var a in r.Annotations)
        {
            if (!scheme.IsValidLabelName(a.Name))
            {
                AddError(a.KeyNode, context + $"invalid annotation name: {a.Name}");
            }
        }

        if (alert.Length > 0)
        {
            // The single call site of the template check (see RuleTemplateCheck).
            var templateName = "__alert_" + alert;
            foreach (var l in r.Labels)
            {
                if (_options.ValidateTemplate(templateName, l.Value) is { } problem)
                {
                    AddError(l.ValueNode, context + $"label {ConfigParser.GoQuote(l.Name)}: {problem}");
                }
            }

            foreach (var a in r.Annotations)
            {
                if (_options.ValidateTemplate(templateName, a.Value) is { } problem)
                {
                    AddError(a.ValueNode, context + $"annotation {ConfigParser.GoQuote(a.Name)}: {problem}");
                }
            }
        }

        if (_errors.Count > errors)
        {
            return null;
        }

        return alert.Length > 0
            ? new AlertingRule
            {
                Name = alert,
                Expression = expr,
                For = r.For.Value,
                KeepFiringFor = r.KeepFiringFor.Value,
                Labels = Sorted(r.Labels),
                Annotations = Sorted(r.Annotations),
            }
            : new RecordingRule { Name = record, Expression = expr, Labels = Sorted(r.Labels) };
    }

    private void CheckLabels(List<Entry> labels, string context)
    {
        foreach (var l in labels)
        {
            if (!_options.NameValidationScheme.IsValidLabelName(l.Name) || l.Name == LabelValidation.MetricNameLabel)
            {
                AddError(l.KeyNode, context + $"invalid label name: {l.Name}");
            }

            // Upstream's check; YamlDotNet already refuses the lone surrogates that would fail it.
            if (!LabelValidation.IsValidLabelValue(l.Value))
            {
                AddError(l.ValueNode, context + $"invalid label value: {l.Value}");
            }
        }
    }

    private static KeyValuePair<string, string>[] Sorted(List<Entry> entries) =>
        [.. entries.Select(e => new KeyValuePair<string, string>(e.Name, e.Value)).OrderBy(kv => kv.Key, Utf8Ordinal.Instance)];

    private void AddError(ConfigNode node, string reason) => AddError(node, node.Path, reason);

    private void AddError(ConfigNode at, string field, string reason) =>
        _errors.Add(at.Node is null
            ? new ConfigException(_fileName, 0, 0, field, reason)
            : new ConfigException(_fileName, at.Node.Start.Line, at.Node.Start.Column, field, reason));

    private readonly record struct Entry(string Name, ConfigNode KeyNode, string Value, ConfigNode ValueNode);

    private sealed class GroupNode(ConfigNode node)
    {
        public ConfigNode Node { get; } = node;

        public string Name { get; set; } = string.Empty;

        public TimeSpan Interval { get; set; }

        public TimeSpan? QueryOffset { get; set; }

        public int Limit { get; set; }

        public List<Entry> Labels { get; set; } = [];

        public List<RuleNode> Rules { get; set; } = [];
    }

    private sealed class RuleNode(ConfigNode node)
    {
        public ConfigNode Node { get; } = node;

        public (string Value, ConfigNode Node) Record { get; set; } = (string.Empty, default);

        public (string Value, ConfigNode Node) Alert { get; set; } = (string.Empty, default);

        public (string Value, ConfigNode Node) Expr { get; set; } = (string.Empty, default);

        public (TimeSpan Value, ConfigNode Node) For { get; set; }

        public (TimeSpan Value, ConfigNode Node) KeepFiringFor { get; set; }

        public List<Entry> Labels { get; set; } = [];

        public List<Entry> Annotations { get; set; } = [];

        public ConfigNode AnnotationsNode { get; set; }
    }
}
