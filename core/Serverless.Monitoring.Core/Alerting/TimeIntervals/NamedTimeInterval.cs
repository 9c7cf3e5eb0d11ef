namespace Serverless.Monitoring.Core.Alerting.TimeIntervals;

/// <summary>A named list of time intervals (<c>time_intervals</c> or the deprecated <c>mute_time_intervals</c>); it contains an instant when any entry does.</summary>
public sealed record NamedTimeInterval(string Name, IReadOnlyList<TimeInterval> Intervals)
{
    public bool Contains(DateTimeOffset instant) => Intervals.Any(i => i.Contains(instant));
}
