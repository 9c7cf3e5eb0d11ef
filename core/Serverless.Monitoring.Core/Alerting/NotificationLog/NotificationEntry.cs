namespace Serverless.Monitoring.Core.Alerting.NotificationLog;

/// <summary>What was last sent for one group to one receiver integration (<c>nflogpb.Entry</c>) and until when it is kept.</summary>
public sealed record NotificationEntry(
    string GroupKey,
    NotificationReceiver Receiver,
    IReadOnlySet<ulong> FiringAlerts,
    IReadOnlySet<ulong> ResolvedAlerts,
    DateTimeOffset Timestamp,
    DateTimeOffset ExpiresAt)
{
    /// <summary>Every hash in <paramref name="subset"/> was firing in this entry.</summary>
    public bool IsFiringSubset(IReadOnlySet<ulong> subset) => subset.IsSubsetOf(FiringAlerts);

    /// <summary>Every hash in <paramref name="subset"/> was resolved in this entry.</summary>
    public bool IsResolvedSubset(IReadOnlySet<ulong> subset) => subset.IsSubsetOf(ResolvedAlerts);
}
