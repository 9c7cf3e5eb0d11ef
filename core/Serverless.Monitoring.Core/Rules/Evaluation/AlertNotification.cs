using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// An alert to hand to the notifier (upstream's <c>SendAlerts</c>): external labels and
/// <c>alert_relabel_configs</c> are the notifier's to apply. Instants are Unix ns.
/// </summary>
/// <param name="Labels">The alert's labels.</param>
/// <param name="Annotations">Its expanded annotations.</param>
/// <param name="StartsAt"><c>startsAt</c>: when it fired (null is Go's zero time).</param>
/// <param name="EndsAt"><c>endsAt</c>: when it was resolved, else its <c>ValidUntil</c> (evaluation time + 4 × max(interval, resend delay)).</param>
/// <param name="GeneratorUrl"><c>generatorURL</c>: external URL + <c>/graph?g0.expr=…&amp;g0.tab=1</c>.</param>
/// <param name="Expression">The rule's query, as printed.</param>
public sealed record AlertNotification(
    LabelSet Labels,
    IReadOnlyList<Label> Annotations,
    long? StartsAt,
    long EndsAt,
    string GeneratorUrl,
    string Expression);
