namespace Serverless.Monitoring.Core.Rules;

/// <summary>A rule name and label set that more than one rule of a file shares (promtool's <c>duplicate-rules</c> lint).</summary>
public sealed record DuplicateRule(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels)
{
    /// <summary>
    /// The name and label sets that occur more than once among <paramref name="file"/>'s rules
    /// (recording and alerting alike, across groups), each once, sorted by name then labels:
    /// such rules write the same series or alerts and overwrite each other.
    /// </summary>
    public static IReadOnlyList<DuplicateRule> Find(RuleFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var rules = file.Groups.SelectMany(g => g.Rules).Select(r => new DuplicateRule(r.Name, r.Labels)).ToList();
        rules.Sort(Compare);
        var duplicates = new List<DuplicateRule>();
        for (var i = 1; i < rules.Count; i++)
        {
            if (Compare(rules[i - 1], rules[i]) == 0 && (duplicates.Count == 0 || Compare(rules[i], duplicates[^1]) != 0))
            {
                duplicates.Add(rules[i]);
            }
        }

        return duplicates;
    }

    private static int Compare(DuplicateRule a, DuplicateRule b)
    {
        var byName = Model.Utf8Ordinal.Instance.Compare(a.Name, b.Name);
        if (byName != 0)
        {
            return byName;
        }

        var common = Math.Min(a.Labels.Count, b.Labels.Count);
        for (var i = 0; i < common; i++)
        {
            var c = Model.Utf8Ordinal.Instance.Compare(a.Labels[i].Key, b.Labels[i].Key);
            if (c == 0)
            {
                c = Model.Utf8Ordinal.Instance.Compare(a.Labels[i].Value, b.Labels[i].Value);
            }

            if (c != 0)
            {
                return c;
            }
        }

        return a.Labels.Count.CompareTo(b.Labels.Count);
    }
}
