namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// One float sample: a timestamp in milliseconds since the Unix epoch and a value. The value
/// may be any double, including NaN payloads such as <see cref="StaleMarker"/>; compare bits
/// (<see cref="BitConverter.DoubleToUInt64Bits"/>) when bit-exactness matters, since record
/// equality uses <see cref="double.Equals(double)"/>.
/// </summary>
public readonly record struct Sample(long TimestampMs, double Value)
{
    /// <summary>True when the value is Prometheus's staleness marker.</summary>
    public bool IsStale => StaleMarker.IsStale(Value);
}
