using System.Globalization;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Tests.Alerting.Routing;

/// <summary>Time intervals as upstream's timeinterval package: parsing, its errors, and Contains.</summary>
public sealed class TimeIntervalTests
{
    // The interval's YAML (one entry of time_intervals), an instant (UTC), whether it is inside.
    public static TheoryData<string, string, bool> Cases => new()
    {
        { "times: [{start_time: '09:00', end_time: '17:00'}]", "2024-03-05T09:00:00Z", true },
        { "times: [{start_time: '09:00', end_time: '17:00'}]", "2024-03-05T16:59:59Z", true },
        { "times: [{start_time: '09:00', end_time: '17:00'}]", "2024-03-05T17:00:00Z", false },
        { "times: [{start_time: '09:00', end_time: '17:00'}]", "2024-03-05T08:59:00Z", false },
        { "times: [{start_time: '22:00', end_time: '24:00'}]", "2024-03-05T23:59:00Z", true },
        { "weekdays: ['monday:friday']", "2024-03-04T12:00:00Z", true },
        { "weekdays: ['monday:friday']", "2024-03-09T12:00:00Z", false },
        { "weekdays: [Saturday, sunday]", "2024-03-10T12:00:00Z", true },
        { "days_of_month: ['1:5']", "2024-03-05T00:00:00Z", true },
        { "days_of_month: ['1:5']", "2024-03-06T00:00:00Z", false },
        { "days_of_month: ['-1']", "2024-02-29T10:00:00Z", true },
        { "days_of_month: ['-1']", "2023-02-28T10:00:00Z", true },
        { "days_of_month: ['-1']", "2024-02-28T10:00:00Z", false },
        { "days_of_month: ['-7:-1']", "2024-04-24T10:00:00Z", true },
        { "days_of_month: ['-7:-1']", "2024-04-23T10:00:00Z", false },
        { "days_of_month: ['31']", "2024-04-30T10:00:00Z", false },
        { "months: ['december', '1:2']", "2024-01-15T00:00:00Z", true },
        { "months: ['december', '1:2']", "2024-03-15T00:00:00Z", false },
        { "months: ['December']", "2024-12-01T00:00:00Z", true },
        { "years: ['2024:2025']", "2025-12-31T23:59:59Z", true },
        { "years: ['2024:2025']", "2026-01-01T00:00:00Z", false },
        { "times: [{start_time: '09:00', end_time: '17:00'}]\n    location: Europe/Berlin", "2024-07-01T07:30:00Z", true },
        { "times: [{start_time: '09:00', end_time: '17:00'}]\n    location: Europe/Berlin", "2024-07-01T15:30:00Z", false },
        { "weekdays: [monday]\n    location: America/New_York", "2024-03-05T03:00:00Z", true },
        { "weekdays: [monday]\n    times: [{start_time: '09:00', end_time: '10:00'}]", "2024-03-04T09:30:00Z", true },
        { "weekdays: [monday]\n    times: [{start_time: '09:00', end_time: '10:00'}]", "2024-03-05T09:30:00Z", false },
        { "{}", "2024-03-05T09:30:00Z", true },
    };

    public static TheoryData<string, string> Errors => new()
    {
        { "times: [{start_time: '17:00', end_time: '09:00'}]", "start time cannot be equal or greater than end time" },
        { "times: [{start_time: '9:00', end_time: '10:00'}]", "couldn't parse timestamp 9:00, invalid format" },
        { "times: [{start_time: '09:00'}]", "both start and end times must be provided" },
        { "weekdays: [funday]", "funday is not a valid weekday" },
        { "weekdays: ['friday:monday']", "start day cannot be before end day" },
        { "days_of_month: ['0']", "0 is not a valid day of the month: out of range" },
        { "days_of_month: ['-3:5']", "end day must be negative if start day is negative" },
        { "days_of_month: ['10:2']", "end day 2 is always before start day 10" },
        { "months: ['march:january']", "end month january is before start month march" },
        { "months: ['smarch']", "smarch is not a valid month" },
        { "years: ['2025:2024']", "end year 2024 is before start year 2025" },
        { "location: Mars/Olympus", "unknown time zone Mars/Olympus" },
        { "hours: [1]", "field hours not found in type timeinterval.TimeInterval" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Contains(string interval, string instant, bool inside)
    {
        var config = AlertmanagerConfiguration.Load(Yaml(interval));
        var at = DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal(inside, config.TimeIntervals["t"].Contains(at));
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public void Errors_name_the_place(string interval, string reason)
    {
        var ex = Assert.Throws<ConfigException>(() => AlertmanagerConfiguration.Load(Yaml(interval)));
        Assert.Contains("time_intervals[0].time_intervals[0]", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(reason, ex.Message, StringComparison.Ordinal);
        Assert.True(ex.Line > 0);
    }

    private static string Yaml(string interval) =>
        $"route: {{receiver: r}}\nreceivers: [{{name: r}}]\ntime_intervals:\n- name: t\n  time_intervals:\n  - {interval}\n";
}
