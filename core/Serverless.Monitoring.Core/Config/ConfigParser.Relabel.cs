using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Core.Config;

internal sealed partial class ConfigParser
{
    private static List<(RelabelConfig Rule, ConfigNode Node)> ParseRelabelConfigs(ConfigNode node, string nullRule) =>
        node.List("[]*relabel.Config", n => (ParseRelabelConfig(n, nullRule), n)).ToList();

    /// <summary>One rule as upstream's <c>relabel.Config.UnmarshalYAML</c>: defaults, then the given fields.</summary>
    private static RelabelConfig ParseRelabelConfig(ConfigNode node, string nullRule)
    {
        if (node.IsNull)
        {
            throw node.Error(nullRule);
        }

        var r = new RelabelConfig();
        node.Fields("relabel.Config", (key, v) =>
        {
            switch (key)
            {
                case "source_labels":
                    r = r with { SourceLabels = v.List("model.LabelNames", ParseSourceLabel) };
                    return true;
                case "separator":
                    r = r with { Separator = v.String() };
                    return true;
                case "regex":
                    // An explicit null regex is the empty regex, as upstream.
                    var text = v.String();
                    r = r with { Regex = RelabelRegex.TryParse(text, out var regex, out var error) ? regex : throw v.Error(error) };
                    return true;
                case "modulus":
                    r = r with { Modulus = v.UInt64() };
                    return true;
                case "target_label":
                    r = r with { TargetLabel = v.String() };
                    return true;
                case "replacement":
                    r = r with { Replacement = v.String() };
                    return true;
                case "action":
                    var name = v.String();
                    if (name.Length == 0)
                    {
                        throw v.Error("relabel action cannot be empty");
                    }

                    r = r with { Action = RelabelActions.TryParse(name, out var action) ? action : throw v.Error($"unknown relabel action {GoQuote(name)}") };
                    return true;
                default:
                    return false;
            }
        });
        return r;
    }

    private static string ParseSourceLabel(ConfigNode node)
    {
        var name = node.String();
        return LabelValidation.IsValidLabelName(name) ? name : throw node.Error($"{GoQuote(name)} is not a valid label name");
    }

    /// <summary>Upstream's <c>Validate</c> with the section's name validation scheme; errors point at the rule.</summary>
    private static RelabelConfig[] ValidateRelabelConfigs(List<(RelabelConfig Rule, ConfigNode Node)> rules, NameValidationScheme scheme)
    {
        var result = new RelabelConfig[rules.Count];
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i].Rule with { NameValidation = scheme };
            if (rule.Validate() is { } error)
            {
                throw rules[i].Node.Error(error);
            }

            result[i] = rule;
        }

        return result;
    }
}
