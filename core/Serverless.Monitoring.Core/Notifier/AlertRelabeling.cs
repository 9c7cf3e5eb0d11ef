using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Core.Notifier;

/// <summary>
/// What happens to an alert's labels on its way out, as upstream: external labels added where the
/// alert has no such label, then <c>alert_relabel_configs</c>; an alert a rule drops is not sent.
/// </summary>
public static class AlertRelabeling
{
    public static List<NotifierAlert> Apply(IEnumerable<NotifierAlert> alerts, LabelSet externalLabels, IReadOnlyList<RelabelConfig> rules)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(externalLabels);
        ArgumentNullException.ThrowIfNull(rules);
        var kept = new List<NotifierAlert>();
        foreach (var alert in alerts)
        {
            var builder = alert.Labels.ToBuilder();
            foreach (var label in externalLabels)
            {
                if (alert.Labels.Get(label.Name).Length == 0)
                {
                    builder.Set(label.Name, label.Value);
                }
            }

            if (Relabeler.Process(builder, rules))
            {
                kept.Add(alert with { Labels = builder.Build() });
            }
        }

        return kept;
    }
}
