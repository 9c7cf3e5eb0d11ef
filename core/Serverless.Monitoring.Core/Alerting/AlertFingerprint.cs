using System.Globalization;
using System.Text;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting;

/// <summary>
/// Prometheus's label-set fingerprint (common/model <c>LabelSet.Fingerprint</c>), which
/// Alertmanager uses as an alert's identity and prints in webhook payloads and the API: 64-bit
/// FNV-1a over the labels in name order, each name and value followed by the byte 0xFF.
/// </summary>
public static class AlertFingerprint
{
    private const ulong Offset = 14695981039346656037;
    private const ulong Prime = 1099511628211;
    private const byte Separator = 0xFF;

    public static ulong Of(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var hash = Offset;
        Span<byte> buffer = stackalloc byte[256];
        foreach (var label in labels)
        {
            hash = Add(hash, label.Name, buffer);
            hash = AddByte(hash, Separator);
            hash = Add(hash, label.Value, buffer);
            hash = AddByte(hash, Separator);
        }

        return hash;
    }

    /// <summary>As Go's <c>%016x</c> of the fingerprint (the webhook's <c>fingerprint</c>, the API's).</summary>
    public static string Format(ulong fingerprint) => fingerprint.ToString("x16", CultureInfo.InvariantCulture);

    private static ulong Add(ulong hash, string value, Span<byte> buffer)
    {
        var bytes = Encoding.UTF8.GetMaxByteCount(value.Length) <= buffer.Length ? buffer : new byte[Encoding.UTF8.GetByteCount(value)];
        var length = Encoding.UTF8.GetBytes(value, bytes);
        foreach (var b in bytes[..length])
        {
            hash = AddByte(hash, b);
        }

        return hash;
    }

    private static ulong AddByte(ulong hash, byte b) => (hash ^ b) * Prime;
}
