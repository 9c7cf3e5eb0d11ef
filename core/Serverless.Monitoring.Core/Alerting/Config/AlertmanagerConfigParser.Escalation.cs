using Serverless.Monitoring.Core.Alerting.TimeIntervals;
using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary>Our <c>escalation_policies</c> section (issue 13, point 5).</summary>
internal sealed partial class AlertmanagerConfigParser
{
    private const int MaxRepeat = 5;

    private readonly List<(EscalationPolicy Policy, ConfigNode Node, List<(ConfigNode Receivers, ConfigNode Intervals)> Levels)> _policyNodes = [];

    private IReadOnlyList<EscalationPolicy> ParseEscalationPolicies(ConfigNode node) =>
        node.List("[]EscalationPolicy", ParseEscalationPolicy);

    private EscalationPolicy ParseEscalationPolicy(ConfigNode node)
    {
        var name = string.Empty;
        IReadOnlyList<EscalationLevel> levels = [];
        var levelNodes = new List<(ConfigNode, ConfigNode)>();
        var repeat = 0;
        TimeSpan? ackTimeout = null;
        var restart = true;
        node.Fields("EscalationPolicy", (key, v) =>
        {
            switch (key)
            {
                case "name": name = v.String(); return true;
                case "levels": levels = v.List("[]EscalationLevel", n => ParseLevel(n, levelNodes)); return true;
                case "repeat":
                    repeat = v.Int32();
                    return repeat is < 0 or > MaxRepeat ? throw v.Error($"repeat must be between 0 and {MaxRepeat}") : true;
                case "ack_timeout":
                    ackTimeout = v.IsNull ? null : v.Duration();
                    return ackTimeout == TimeSpan.Zero ? throw v.Error("ack_timeout cannot be zero") : true;
                case "restart_on_new_alert": restart = v.Bool(); return true;
                default: return false;
            }
        });
        if (name.Length == 0)
        {
            throw node.Error("missing name in escalation policy");
        }

        if (levels.Count == 0)
        {
            throw node.Error($"escalation policy {ConfigParser.GoQuote(name)} has no levels");
        }

        for (var i = 0; i < levels.Count; i++)
        {
            if (i == 0 && levels[0].After != TimeSpan.Zero)
            {
                throw levelNodes[0].Item1.Error($"the first level of escalation policy {ConfigParser.GoQuote(name)} must start at once (after 0 or absent)");
            }

            if (i > 0 && levels[i].After <= levels[i - 1].After)
            {
                throw levelNodes[i].Item1.Error($"levels of escalation policy {ConfigParser.GoQuote(name)} must have increasing after: {PrometheusDurationText(levels[i].After)} is not after {PrometheusDurationText(levels[i - 1].After)}");
            }

        }

        // A run of one level takes no time: repeating it would notify the same receivers at once, again and again.
        if (repeat > 0 && levels.Count == 1)
        {
            throw node.Error($"escalation policy {ConfigParser.GoQuote(name)} repeats a chain of one level: repeat needs at least two levels");
        }

        var policy = new EscalationPolicy { Name = name, Levels = levels, Repeat = repeat, AckTimeout = ackTimeout, RestartOnNewAlert = restart };
        _policyNodes.Add((policy, node, levelNodes));
        return policy;
    }

    private static string PrometheusDurationText(TimeSpan d) => Model.PrometheusDuration.Format(d);

    private static EscalationLevel ParseLevel(ConfigNode node, List<(ConfigNode, ConfigNode)> nodes)
    {
        var after = TimeSpan.Zero;
        IReadOnlyList<string> receivers = [];
        IReadOnlyList<string> intervals = [];
        ConfigNode receiversNode = node, intervalsNode = node;
        node.Fields("EscalationLevel", (key, v) =>
        {
            switch (key)
            {
                case "after": after = v.Duration(); return true;
                case "receivers": receiversNode = v; receivers = v.StringList(); return true;
                case "active_time_intervals": intervalsNode = v; intervals = v.StringList(); return true;
                default: return false;
            }
        });
        if (receivers.Count == 0)
        {
            throw node.Error("an escalation level needs at least one receiver");
        }

        nodes.Add((receiversNode, intervalsNode));
        return new EscalationLevel { After = after, Receivers = receivers, ActiveTimeIntervals = intervals };
    }

    private void ValidatePolicies(ConfigNode section, IReadOnlyList<EscalationPolicy> policies, HashSet<string> receivers, Dictionary<string, NamedTimeInterval> intervals)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (policy, node, levels) in _policyNodes)
        {
            if (!names.Add(policy.Name))
            {
                throw node.Error($"escalation policy {ConfigParser.GoQuote(policy.Name)} is not unique");
            }

            for (var i = 0; i < policy.Levels.Count; i++)
            {
                foreach (var r in policy.Levels[i].Receivers)
                {
                    if (!receivers.Contains(r))
                    {
                        throw levels[i].Receivers.Error($"undefined receiver {ConfigParser.GoQuote(r)} used in escalation policy {ConfigParser.GoQuote(policy.Name)}");
                    }
                }

                foreach (var t in policy.Levels[i].ActiveTimeIntervals)
                {
                    if (!intervals.ContainsKey(t))
                    {
                        throw levels[i].Intervals.Error($"undefined time interval {ConfigParser.GoQuote(t)} used in escalation policy {ConfigParser.GoQuote(policy.Name)}");
                    }
                }
            }
        }

        _ = section;
        _ = policies;
    }
}
