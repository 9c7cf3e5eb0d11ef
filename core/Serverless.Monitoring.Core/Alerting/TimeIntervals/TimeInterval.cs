namespace Serverless.Monitoring.Core.Alerting.TimeIntervals;

/// <summary>A range of whole minutes of the day, start inclusive, end exclusive (<c>09:00</c>–<c>17:00</c>).</summary>
public readonly record struct TimeRange(int StartMinute, int EndMinute);

/// <summary>An inclusive range of weekdays (0 = Sunday), days of the month (negative from the end), months (1–12) or years.</summary>
public readonly record struct InclusiveRange(int Begin, int End);

/// <summary>
/// One entry of a named time interval, as upstream's <c>timeinterval.TimeInterval</c>: an instant
/// is inside when it passes every condition that is set (an unset list means any), read in
/// <see cref="Location"/> (UTC by default).
/// </summary>
public sealed record TimeInterval
{
    public IReadOnlyList<TimeRange>? Times { get; init; }

    public IReadOnlyList<InclusiveRange>? Weekdays { get; init; }

    public IReadOnlyList<InclusiveRange>? DaysOfMonth { get; init; }

    public IReadOnlyList<InclusiveRange>? Months { get; init; }

    public IReadOnlyList<InclusiveRange>? Years { get; init; }

    /// <summary>The zone the conditions are read in; null for UTC.</summary>
    public TimeZoneInfo? Location { get; init; }

    /// <summary>The zone's name as written (<c>Europe/Berlin</c>, <c>Local</c>), for printing.</summary>
    public string? LocationName { get; init; }

    /// <summary>True when <paramref name="instant"/> falls inside the interval.</summary>
    public bool Contains(DateTimeOffset instant)
    {
        var t = Location is null ? instant.UtcDateTime : TimeZoneInfo.ConvertTime(instant, Location).DateTime;
        if (Times is not null)
        {
            var minute = (t.Hour * 60) + t.Minute;
            if (!Times.Any(r => minute >= r.StartMinute && minute < r.EndMinute))
            {
                return false;
            }
        }

        if (DaysOfMonth is not null)
        {
            var days = DateTime.DaysInMonth(t.Year, t.Month);
            var inside = false;
            foreach (var r in DaysOfMonth)
            {
                var begin = r.Begin < 0 ? days + r.Begin + 1 : r.Begin;
                var end = r.End < 0 ? days + r.End + 1 : r.End;
                if (begin > days)
                {
                    continue;
                }

                begin = Math.Clamp(begin, -days, days);
                end = Math.Clamp(end, -days, days);
                if (t.Day >= begin && t.Day <= end)
                {
                    inside = true;
                    break;
                }
            }

            if (!inside)
            {
                return false;
            }
        }

        return In(Months, t.Month) && In(Weekdays, (int)t.DayOfWeek) && In(Years, t.Year);
    }

    private static bool In(IReadOnlyList<InclusiveRange>? ranges, int value) =>
        ranges is null || ranges.Any(r => value >= r.Begin && value <= r.End);
}
