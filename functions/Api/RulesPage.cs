using System.Security.Cryptography;
using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Rules.Evaluation;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>One group as <c>/api/v1/rules</c> lists it: the group and the rules the filters kept.</summary>
internal sealed record ListedRuleGroup(RuleGroupStatus Group, IReadOnlyList<RuleStatus> Rules);

/// <summary>
/// What <c>/api/v1/rules</c> lists, chosen as upstream does: groups by file then name; a group is
/// left out when <c>rule_group[]</c> or <c>file[]</c> excludes it or when no rule is left once
/// <c>match[]</c>, <c>rule_name[]</c> and <c>type</c> have filtered them (so an empty group is never
/// listed). With <c>group_limit</c>, a page starts at the group whose token is
/// <c>group_next_token</c> and <see cref="NextToken"/> names the first group of the next page.
/// </summary>
internal sealed record RulesPage(IReadOnlyList<ListedRuleGroup> Groups, string? NextToken)
{
    /// <summary>Upstream's page token of a group: hex SHA-256 of <c>file;name</c>.</summary>
    public static string Token(string file, string group) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(file + ";" + group)));

    /// <exception cref="ApiException">With a page size, <c>group_next_token</c> names no group (upstream's text).</exception>
    public static RulesPage Select(IEnumerable<RuleGroupStatus> groups, RulesRequest request)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(request);
        var paging = request.GroupLimit > 0;
        var seeking = paging && request.NextToken.Length > 0;
        var listed = new List<ListedRuleGroup>();
        string? next = null;
        foreach (var group in groups.OrderBy(g => g.File, Utf8Ordinal.Instance).ThenBy(g => g.Name, Utf8Ordinal.Instance))
        {
            // As upstream, the token is looked for before the filters apply.
            if (seeking)
            {
                if (Token(group.File, group.Name) != request.NextToken)
                {
                    continue;
                }

                seeking = false;
            }

            if ((request.RuleGroups.Count > 0 && !request.RuleGroups.Contains(group.Name))
                || (request.Files.Count > 0 && !request.Files.Contains(group.File)))
            {
                continue;
            }

            var rules = group.Rules.Where(r => Keeps(request, r.Rule)).ToList();
            if (rules.Count == 0)
            {
                continue;
            }

            if (paging && listed.Count == request.GroupLimit)
            {
                next = Token(group.File, group.Name);
                break;
            }

            listed.Add(new ListedRuleGroup(group, rules));
        }

        return seeking
            ? throw ApiErrors.InvalidParameter("group_next_token", $"invalid group_next_token '{request.NextToken}'. were rule groups changed?")
            : new RulesPage(listed, next);
    }

    private static bool Keeps(RulesRequest request, Rule rule) =>
        (rule is AlertingRule ? request.IncludeAlerting : request.IncludeRecording)
        && (request.RuleNames.Count == 0 || request.RuleNames.Contains(rule.Name))
        && (request.Matchers.Count == 0 || request.Matchers.Any(set => set.All(m => m.Matches(LabelValue(rule.Labels, m.Name)))));

    private static string LabelValue(IReadOnlyList<Label> labels, string name)
    {
        foreach (var label in labels)
        {
            if (label.Name == name)
            {
                return label.Value;
            }
        }

        return string.Empty;
    }
}
