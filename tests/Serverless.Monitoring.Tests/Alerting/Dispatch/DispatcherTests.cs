using System.Globalization;
using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Dispatch;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Alerting.Dispatch;

/// <summary>
/// Aggregation-group timers as Alertmanager 0.25's dispatcher, second by second. Events: <c>t:+A</c>
/// posts alert A (firing), <c>t:+A@-100</c> one that started 100 s before t, <c>t:+A/x</c> one with
/// <c>svc="x"</c>, <c>t:-A</c> resolves A at t. Flushes print as <c>t:A,~B</c> (~ = resolved),
/// groups separated by <c>|</c> when several flush at once.
/// </summary>
public sealed class DispatcherTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Name, group_wait, group_interval, group_by ("..." = all), events, failing flush times, run until, expected flushes.</summary>
    public static TheoryData<string, int, int, string, string, string, int, string> Timelines => new()
    {
        { "first flush after group_wait, then every group_interval", 30, 300, "", "0:+A", "", 700, "30:A 330:A 630:A" },
        { "an alert that started more than group_wait ago flushes at once", 30, 300, "", "0:+A@-31", "", 100, "0:A" },
        { "started exactly group_wait ago is not yet past: waits", 30, 300, "", "10:+A@-30", "", 100, "40:A" },
        { "a late joiner during group_wait goes with the first flush", 30, 300, "", "0:+A 10:+B", "", 100, "30:A,B" },
        { "an old alert after the first flush waits for group_interval", 30, 300, "", "0:+A 40:+B@-1000", "", 400, "30:A 330:A,B" },
        { "an old alert before the first flush flushes at once", 30, 300, "", "0:+A 10:+B@-1000", "", 100, "10:A,B" },
        { "a resolved alert is sent once more, then leaves; the empty group goes", 30, 60, "", "0:+A 100:-A", "", 400, "30:A 90:A 150:~A" },
        { "a failed flush keeps the resolved alert for the next one", 30, 60, "", "0:+A 100:-A", "150", 400, "30:A 90:A 150:~A 210:~A" },
        { "resolved and firing go together", 30, 60, "", "0:+A 0:+B 50:-B", "", 200, "30:A,B 90:A,~B 150:A" },
        { "after the group is gone a new alert starts a new group_wait", 30, 60, "", "0:+A 50:-A 100:+A", "", 200, "30:A 90:~A 130:A 190:A" },
        { "group_by splits groups; each has its own timer", 30, 300, "svc", "0:+A/x 20:+B/y", "", 100, "30:A 50:B" },
        { "group_by keeps same values together", 30, 300, "svc", "0:+A/x 20:+B/x", "", 100, "30:A,B" },
        { "group_by ... makes one group per alert", 30, 300, "...", "0:+A/x 0:+B/x", "", 100, "30:A|30:B" },
        { "no group_by: one group for everything", 30, 300, "", "0:+A/x 0:+B/y", "", 100, "30:A,B" },
    };

    [Theory]
    [MemberData(nameof(Timelines))]
    public void Groups_flush_as_upstream(string name, int groupWait, int groupInterval, string groupBy, string events, string failAt, int until, string expected)
    {
        Assert.NotEmpty(name);
        var route = Route(groupWait, groupInterval, groupBy);
        var dispatcher = new Dispatcher();
        var parsed = events.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Event.Parse).ToList();
        var fails = failAt.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
        var log = new List<string>();
        for (var t = 0; t <= until; t++)
        {
            var now = T0.AddSeconds(t);
            foreach (var e in parsed.Where(e => e.At == t))
            {
                dispatcher.Insert(e.ToAlert(now), [route], now);
            }

            var flushes = dispatcher.Tick(now);
            if (flushes.Count > 0)
            {
                log.Add(string.Join('|', flushes.Select(f => $"{t}:{Describe(f)}")));
            }

            foreach (var f in flushes)
            {
                dispatcher.Complete(f, !fails.Contains(t));
            }
        }

        Assert.Equal(expected, string.Join(' ', log));
    }

    [Fact]
    public void NextDue_is_the_earliest_timer()
    {
        var dispatcher = new Dispatcher();
        Assert.Null(dispatcher.NextDue);
        dispatcher.Insert(Alert("A", "x", T0, null, T0), [Route(30, 300, "svc")], T0);
        dispatcher.Insert(Alert("B", "y", T0, null, T0.AddSeconds(5)), [Route(30, 300, "svc")], T0.AddSeconds(5));
        Assert.Equal(T0.AddSeconds(30), dispatcher.NextDue);
        Assert.Empty(dispatcher.Tick(T0.AddSeconds(29)));
        Assert.Single(dispatcher.Tick(T0.AddSeconds(30)));
        Assert.Equal(T0.AddSeconds(35), dispatcher.NextDue);
    }

    [Fact]
    public void A_resolved_alert_updated_during_the_flush_stays()
    {
        var route = Route(0, 60, "");
        var dispatcher = new Dispatcher();
        dispatcher.Insert(Alert("A", "", T0, T0.AddSeconds(1), T0), [route], T0);
        var flush = Assert.Single(dispatcher.Tick(T0.AddSeconds(2)));
        Assert.Equal("~A", Describe(flush));
        // The alert fires again (a newer update) before the pipeline reports success.
        dispatcher.Insert(Alert("A", "", T0.AddSeconds(3), null, T0.AddSeconds(3)), [route], T0.AddSeconds(3));
        dispatcher.Complete(flush, success: true);
        Assert.Equal("A", Describe(Assert.Single(dispatcher.Tick(T0.AddSeconds(62)))));
    }

    [Fact]
    public void A_group_with_a_flush_in_flight_is_not_flushed_again()
    {
        var route = Route(0, 5, "");
        var dispatcher = new Dispatcher();
        dispatcher.Insert(Alert("A", "", T0, null, T0), [route], T0);
        var flush = Assert.Single(dispatcher.Tick(T0.AddSeconds(1)));
        Assert.Equal(T0.AddSeconds(11), flush.Deadline); // max(group_interval, 10 s)
        Assert.Empty(dispatcher.Tick(T0.AddSeconds(7)));
        Assert.Null(dispatcher.NextDue);
        dispatcher.Complete(flush, success: false);
        Assert.Single(dispatcher.Tick(T0.AddSeconds(7)));
    }

    [Fact]
    public void Flush_carries_group_key_labels_and_firing_alerts_without_end()
    {
        var route = Route(0, 60, "svc") with { Key = "{}/{severity=\"page\"}" };
        var dispatcher = new Dispatcher();
        dispatcher.Insert(Alert("A", "x", T0, T0.AddSeconds(1000), T0), [route], T0);
        var flush = Assert.Single(dispatcher.Tick(T0.AddSeconds(1)));
        Assert.Equal("{}/{severity=\"page\"}:{svc=\"x\"}", flush.GroupKey);
        Assert.Equal(LabelSet.FromStrings("svc", "x"), flush.GroupLabels);
        Assert.Null(Assert.Single(flush.Alerts).EndsAt);
    }

    [Fact]
    public void Export_and_import_keep_timers_and_alerts()
    {
        var route = Route(30, 300, "svc");
        var dispatcher = new Dispatcher();
        dispatcher.Insert(Alert("A", "x", T0, null, T0), [route], T0);
        dispatcher.Complete(Assert.Single(dispatcher.Tick(T0.AddSeconds(30))), success: true);
        dispatcher.Insert(Alert("B", "y", T0.AddSeconds(40), null, T0.AddSeconds(40)), [route], T0.AddSeconds(40));

        var copy = new Dispatcher();
        Assert.Equal(2, copy.ImportJson(dispatcher.ExportJson(), key => key == route.Key ? route : null));
        Assert.Equal(
            dispatcher.Groups().Select(g => (g.GroupKey, g.NextFlush, g.HasFlushed, string.Join(',', g.Alerts.Select(a => a.Labels.ToString())))),
            copy.Groups().Select(g => (g.GroupKey, g.NextFlush, g.HasFlushed, string.Join(',', g.Alerts.Select(a => a.Labels.ToString())))));
        Assert.Equal(T0.AddSeconds(70), copy.NextDue);
        Assert.Equal(0, new Dispatcher().ImportJson(dispatcher.ExportJson(), _ => null));
    }

    [Fact]
    public void Alerts_sort_by_job_then_instance_then_labels()
    {
        static Alert L(params string[] pairs) => new() { Labels = LabelSet.FromStrings(pairs), StartsAt = T0 };
        var alerts = new[]
        {
            L("alertname", "Z"),
            L("alertname", "B", "x", "1"),
            L("alertname", "A", "instance", "b"),
            L("alertname", "A", "job", "b"),
            L("alertname", "A", "job", "a", "instance", "z"),
            L("alertname", "A", "job", "a"),
            L("alertname", "A", "instance", "a"),
            L("alertname", "C"),
        };
        var sorted = alerts.Order(AlertOrder.Instance).Select(a => a.Labels.ToString());
        Assert.Equal(
            [
                "{alertname=\"A\", instance=\"z\", job=\"a\"}",
                "{alertname=\"A\", job=\"a\"}",
                "{alertname=\"A\", job=\"b\"}",
                "{alertname=\"A\", instance=\"a\"}",
                "{alertname=\"A\", instance=\"b\"}",
                "{alertname=\"C\"}",
                "{alertname=\"Z\"}",
                "{alertname=\"B\", x=\"1\"}",
            ],
            sorted);
    }

    private static RouteOptions Route(int groupWait, int groupInterval, string groupBy) => new()
    {
        Key = "{}",
        Receiver = "r",
        GroupByAll = groupBy == "...",
        GroupBy = groupBy is "" or "..." ? new HashSet<string>() : new HashSet<string>(groupBy.Split(',')),
        GroupWait = TimeSpan.FromSeconds(groupWait),
        GroupInterval = TimeSpan.FromSeconds(groupInterval),
    };

    private static Alert Alert(string name, string svc, DateTimeOffset startsAt, DateTimeOffset? endsAt, DateTimeOffset updatedAt) => new()
    {
        Labels = svc.Length == 0 ? LabelSet.FromStrings("alertname", name) : LabelSet.FromStrings("alertname", name, "svc", svc),
        StartsAt = startsAt,
        EndsAt = endsAt,
        UpdatedAt = updatedAt,
    };

    private static string Describe(GroupFlush flush) =>
        string.Join(',', flush.Alerts.Select(a => (a.EndsAt is null ? "" : "~") + a.Labels.Get("alertname")));

    private sealed record Event(int At, bool Resolve, string Name, string Svc, int StartOffset)
    {
        public static Event Parse(string s)
        {
            var colon = s.IndexOf(':', StringComparison.Ordinal);
            var at = int.Parse(s[..colon], CultureInfo.InvariantCulture);
            var rest = s[(colon + 1)..];
            var resolve = rest[0] == '-';
            rest = rest[1..];
            var offset = 0;
            if (rest.IndexOf('@', StringComparison.Ordinal) is var i and >= 0)
            {
                offset = int.Parse(rest[(i + 1)..], CultureInfo.InvariantCulture);
                rest = rest[..i];
            }

            var parts = rest.Split('/');
            return new Event(at, resolve, parts[0], parts.Length > 1 ? parts[1] : "", offset);
        }

        // A firing alert's end is the store's resolve_timeout guess, far ahead here; a resolve ends it now.
        public Alert ToAlert(DateTimeOffset now) => Alert(
            Name,
            Svc,
            Resolve ? T0 : now.AddSeconds(StartOffset),
            Resolve ? now : now.AddHours(1),
            now);
    }
}
