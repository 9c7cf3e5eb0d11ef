using System.Text;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.Matchers;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Routing;

/// <summary>
/// A node of the routing tree with its options inherited from its parent, as upstream's
/// <c>dispatch.Route</c>: <see cref="Match"/> finds the routes an alert goes to and
/// <see cref="Key"/> names a route in group keys.
/// </summary>
public sealed class Route
{
    private readonly Route? _parent;

    private Route(RouteConfig config, Route? parent)
    {
        _parent = parent;
        var p = parent?.Options ?? RouteOptions.Default;
        Options = p with
        {
            Receiver = config.Receiver.Length > 0 ? config.Receiver : p.Receiver,
            GroupBy = config.GroupBy ?? (config.GroupByAll ? [] : p.GroupBy),
            GroupByAll = config.GroupBy is not null ? false : config.GroupByAll || p.GroupByAll,
            GroupWait = config.GroupWait ?? p.GroupWait,
            GroupInterval = config.GroupInterval ?? p.GroupInterval,
            RepeatInterval = config.RepeatInterval ?? p.RepeatInterval,
            MuteTimeIntervals = config.MuteTimeIntervals,
            ActiveTimeIntervals = config.ActiveTimeIntervals,
            EscalationPolicy = config.EscalationPolicy ?? p.EscalationPolicy,
        };

        // match, then match_re, then matchers, sorted together as upstream does; a match_re value
        // is its compiled, anchored form (^(?:re)$), which is what upstream keys and prints.
        Matchers = AlertmanagerMatchers.Sorted(
            config.Match.Select(m => LabelMatcher.Equal(m.Key, m.Value))
                .Concat(config.MatchRe.Select(m => LabelMatcher.RegexMatch(m.Key, AnchoredRegex(m.Value))))
                .Concat(config.Matchers));
        Continue = config.Continue;
        Routes = config.Routes.Select(c => new Route(c, this)).ToArray();
    }

    public RouteOptions Options { get; }

    /// <summary>How upstream's config.Regexp prints a <c>match_re</c> value.</summary>
    public static string AnchoredRegex(string regex) => "^(?:" + regex + ")$";

    public IReadOnlyList<LabelMatcher> Matchers { get; }

    public bool Continue { get; }

    public IReadOnlyList<Route> Routes { get; }

    /// <summary>The root of a configuration's tree.</summary>
    public static Route Build(RouteConfig root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return new Route(root, null);
    }

    /// <summary>
    /// The routes <paramref name="labels"/> goes to, depth first: the deepest matching routes,
    /// siblings after a match only while the matching one has <c>continue</c>; this route itself
    /// when it matches and no child does; empty when it does not match.
    /// </summary>
    public IReadOnlyList<Route> Match(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!AlertmanagerMatchers.MatchAll(Matchers, labels))
        {
            return [];
        }

        var all = new List<Route>();
        foreach (var child in Routes)
        {
            var matches = child.Match(labels);
            all.AddRange(matches);
            if (matches.Count > 0 && !child.Continue)
            {
                break;
            }
        }

        if (all.Count == 0)
        {
            all.Add(this);
        }

        return all;
    }

    /// <summary>Upstream's route key: the parent's key, '/', this route's matchers, e.g. <c>{}/{severity="page"}</c>.</summary>
    public string Key()
    {
        var sb = new StringBuilder();
        AppendKey(sb);
        return sb.ToString();
    }

    /// <summary>The labels of <paramref name="labels"/> that group it on this route (all with <c>'...'</c>).</summary>
    public LabelSet GroupLabels(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (Options.GroupByAll)
        {
            return labels;
        }

        var kept = new List<Label>();
        foreach (var label in labels)
        {
            if (Options.GroupBy.Contains(label.Name, StringComparer.Ordinal))
            {
                kept.Add(label);
            }
        }

        return LabelSet.Create([.. kept]);
    }

    /// <summary>
    /// The aggregation group key as upstream prints it: <c>&lt;route key&gt;:&lt;group labels&gt;</c>,
    /// the labels as Go's <c>model.LabelSet.String()</c> (<c>{a="b", c="d"}</c>).
    /// </summary>
    public string GroupKey(LabelSet groupLabels)
    {
        ArgumentNullException.ThrowIfNull(groupLabels);
        var sb = new StringBuilder();
        AppendKey(sb);
        sb.Append(":{");
        for (var i = 0; i < groupLabels.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(groupLabels[i].Name).Append('=');
            LabelFormatting.AppendGoQuoted(sb, groupLabels[i].Value);
        }

        return sb.Append('}').ToString();
    }

    /// <summary>Visits this route and its descendants, depth first.</summary>
    public IEnumerable<Route> Walk()
    {
        yield return this;
        foreach (var child in Routes)
        {
            foreach (var r in child.Walk())
            {
                yield return r;
            }
        }
    }

    private void AppendKey(StringBuilder sb)
    {
        if (_parent is not null)
        {
            _parent.AppendKey(sb);
            sb.Append('/');
        }

        sb.Append(AlertmanagerMatchers.Format(Matchers));
    }
}
