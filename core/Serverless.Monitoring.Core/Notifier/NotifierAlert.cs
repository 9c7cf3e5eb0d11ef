using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Notifier;

/// <summary>
/// An alert as it is sent to Alertmanager (its API v2 <c>PostableAlert</c>): what the rule
/// evaluation hands the notifier. <see cref="EndsAt"/> is the resolved time, or how long the alert
/// is valid without a resend.
/// </summary>
public sealed record NotifierAlert(
    LabelSet Labels,
    LabelSet Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string GeneratorUrl);
