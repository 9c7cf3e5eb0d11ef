namespace Serverless.Monitoring.Core.Alerting.NotificationLog;

/// <summary>One integration of a receiver (<c>nflogpb.Receiver</c>): the receiver's name, the integration's kind and its index among those of that kind.</summary>
public sealed record NotificationReceiver(string GroupName, string Integration, int Index)
{
    /// <summary><c>name/integration/index</c>, as upstream's receiver key.</summary>
    public override string ToString() => $"{GroupName}/{Integration}/{Index}";
}
