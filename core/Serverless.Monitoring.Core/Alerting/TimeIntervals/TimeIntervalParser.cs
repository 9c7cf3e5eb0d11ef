using System.Globalization;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Alerting.TimeIntervals;

/// <summary>Decodes time intervals with upstream's rules and error texts (<c>timeinterval</c> package).</summary>
internal static class TimeIntervalParser
{
    private static readonly Regex ValidTime = new("^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)", RegexOptions.CultureInvariant);

    private static readonly string[] Weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private static readonly string[] MonthNames =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    public static TimeInterval Parse(ConfigNode node)
    {
        var interval = new TimeInterval();
        node.Fields("timeinterval.TimeInterval", (key, v) =>
        {
            switch (key)
            {
                case "times": interval = interval with { Times = v.IsNull ? null : v.List("[]timeinterval.TimeRange", ParseTimeRange) }; return true;
                case "weekdays": interval = interval with { Weekdays = v.IsNull ? null : v.List("[]timeinterval.WeekdayRange", ParseWeekdays) }; return true;
                case "days_of_month": interval = interval with { DaysOfMonth = v.IsNull ? null : v.List("[]timeinterval.DayOfMonthRange", ParseDaysOfMonth) }; return true;
                case "months": interval = interval with { Months = v.IsNull ? null : v.List("[]timeinterval.MonthRange", ParseMonths) }; return true;
                case "years": interval = interval with { Years = v.IsNull ? null : v.List("[]timeinterval.YearRange", ParseYears) }; return true;
                case "location":
                    if (!v.IsNull)
                    {
                        var name = v.String();
                        interval = interval with { Location = ParseLocation(name, v), LocationName = name.Length == 0 ? "UTC" : name };
                    }

                    return true;
                default: return false;
            }
        });
        return interval;
    }

    private static TimeZoneInfo? ParseLocation(string name, ConfigNode v)
    {
        if (name is "" or "UTC")
        {
            return null;
        }

        if (name == "Local")
        {
            return TimeZoneInfo.Local;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw v.Error($"unknown time zone {name}");
        }
    }

    private static TimeRange ParseTimeRange(ConfigNode node)
    {
        string start = string.Empty, end = string.Empty;
        node.Fields("timeinterval.yamlTimeRange", (key, v) =>
        {
            switch (key)
            {
                case "start_time": start = v.String(); return true;
                case "end_time": end = v.String(); return true;
                default: return false;
            }
        });
        if (start.Length == 0 || end.Length == 0)
        {
            throw node.Error("both start and end times must be provided");
        }

        var s = ParseTime(start, node);
        var e = ParseTime(end, node);
        return s >= e ? throw node.Error("start time cannot be equal or greater than end time") : new TimeRange(s, e);
    }

    private static int ParseTime(string text, ConfigNode node)
    {
        if (!ValidTime.IsMatch(text))
        {
            throw node.Error($"couldn't parse timestamp {text}, invalid format");
        }

        var parts = text.Split(':');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture) * 60) + int.Parse(parts[1], CultureInfo.InvariantCulture);
    }

    private static InclusiveRange ParseWeekdays(ConfigNode node)
    {
        var text = node.String();
        var r = Range(text, node, s => Array.IndexOf(Weekdays, s) is var i and >= 0 ? i : throw node.Error($"{s} is not a valid weekday"));
        if (r.Begin > r.End)
        {
            throw node.Error("start day cannot be before end day");
        }

        return r.Begin is < 0 or > 6 || r.End is < 0 or > 6 ? throw node.Error($"{text} is not a valid day of the week: out of range") : r;
    }

    private static InclusiveRange ParseDaysOfMonth(ConfigNode node)
    {
        var r = Range(node.String(), node, s => Atoi(s, node));
        if (r.Begin == 0 || r.Begin < -31 || r.Begin > 31)
        {
            throw node.Error($"{r.Begin} is not a valid day of the month: out of range");
        }

        if (r.End == 0 || r.End < -31 || r.End > 31)
        {
            throw node.Error($"{r.End} is not a valid day of the month: out of range");
        }

        if (r.Begin < 0 && r.End > 0)
        {
            throw node.Error("end day must be negative if start day is negative");
        }

        var checkBegin = r.Begin < 0 ? 28 + r.Begin : r.Begin;
        var checkEnd = r.End < 0 ? 28 + r.End : r.End;
        return checkBegin > checkEnd ? throw node.Error($"end day {r.End} is always before start day {r.Begin}") : r;
    }

    private static InclusiveRange ParseMonths(ConfigNode node)
    {
        var r = Range(node.String(), node, s => Array.IndexOf(MonthNames, s) is var i and >= 0 ? i + 1
            : int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n
            : throw node.Error($"{s} is not a valid month"));
        return r.Begin > r.End ? throw node.Error($"end month {MonthName(r.End)} is before start month {MonthName(r.Begin)}") : r;
    }

    private static InclusiveRange ParseYears(ConfigNode node)
    {
        var r = Range(node.String(), node, s => Atoi(s, node));
        return r.Begin > r.End ? throw node.Error($"end year {r.End} is before start year {r.Begin}") : r;
    }

    private static string MonthName(int month) => month is >= 1 and <= 12 ? MonthNames[month - 1] : string.Empty;

    private static int Atoi(string s, ConfigNode node) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw node.Error($"strconv.Atoi: parsing {ConfigParser.GoQuote(s)}: invalid syntax");

    // Upstream's stringableRangeFromString: lower-cased, "a:b" or a single member.
    private static InclusiveRange Range(string text, ConfigNode node, Func<string, int> member)
    {
        var s = text.ToLowerInvariant();
        if (s.Contains(':', StringComparison.Ordinal))
        {
            var parts = s.Split(':');
            if (parts.Length != 2)
            {
                throw node.Error($"couldn't parse range {s}, invalid format");
            }

            return new InclusiveRange(member(parts[0]), member(parts[1]));
        }

        var one = member(s);
        return new InclusiveRange(one, one);
    }
}
