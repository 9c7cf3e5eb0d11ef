using System.IO.Hashing;
using System.Text;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.NotificationLog;

/// <summary>
/// How the dedup stage identifies an alert in the log (<c>notify.hashAlert</c>): xxHash64 over the
/// labels in name order, each name and value followed by 0xFF. (Not the fingerprint, which is FNV-1a.)
/// </summary>
public static class AlertHash
{
    public static ulong Of(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var hash = new XxHash64();
        byte[] separator = [0xFF];
        foreach (var l in labels)
        {
            hash.Append(Encoding.UTF8.GetBytes(l.Name));
            hash.Append(separator);
            hash.Append(Encoding.UTF8.GetBytes(l.Value));
            hash.Append(separator);
        }

        return hash.GetCurrentHashAsUInt64();
    }
}
