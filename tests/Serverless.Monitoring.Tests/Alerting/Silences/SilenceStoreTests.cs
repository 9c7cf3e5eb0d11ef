using Microsoft.Extensions.Time.Testing;
using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Alerting.Silences;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Alerting.Silences;

/// <summary>Silences as Alertmanager 0.25's silence package: update or replace, expiry, states, GC, matching.</summary>
public sealed class SilenceStoreTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static SilenceMatcher M(string name, string value, LabelMatchType type = LabelMatchType.Equal) => new(name, value, type);

    private static Silence S(int start, int end, params SilenceMatcher[] matchers) => new()
    {
        Matchers = matchers.Length == 0 ? [M("alertname", "A")] : matchers,
        StartsAt = T0.AddSeconds(start),
        EndsAt = T0.AddSeconds(end),
        CreatedBy = "me",
        Comment = "c",
    };

    private static (SilenceStore Store, FakeTimeProvider Time) NewStore()
    {
        var time = new FakeTimeProvider(T0);
        var n = 0;
        return (new SilenceStore(time, TimeSpan.FromHours(1), newId: () => $"id{++n}"), time);
    }

    /// <summary>
    /// Name, the existing silence (start end, seconds from T0, created at T0), the time of the update,
    /// the update (start end, "other" for other matchers), "same" or "new" ID, the old one's state after.
    /// </summary>
    public static TheoryData<string, string, int, string, string, string> Updates => new()
    {
        { "active: a later end updates in place", "0 600", 60, "0 1200", "same", "Active" },
        { "active: an earlier end still in the future updates in place", "0 600", 60, "0 120", "same", "Active" },
        { "active: an end in the past expires the old one, and the replacement is refused", "0 600", 60, "0 30", "refused", "Expired" },
        { "active: another start replaces", "0 600", 60, "10 600", "new", "Expired" },
        { "active: other matchers replace", "0 600", 60, "0 600 other", "new", "Expired" },
        { "pending: a later start updates in place", "300 600", 60, "400 600", "same", "Pending" },
        { "pending: a start in the past replaces", "300 600", 60, "30 600", "new", "Expired" },
        { "pending: other matchers replace", "300 600", 60, "300 600 other", "new", "Expired" },
        { "expired: any update replaces", "0 30", 60, "0 600", "new", "Expired" },
    };

    [Theory]
    [MemberData(nameof(Updates))]
    public void Update_in_place_or_replace_as_canUpdate(string name, string existing, int at, string update, string expected, string oldState)
    {
        Assert.NotEmpty(name);
        var (store, time) = NewStore();
        var e = existing.Split(' ').Select(int.Parse).ToArray();
        var id = store.Set(S(e[0], e[1]));
        time.SetUtcNow(T0.AddSeconds(at));
        var u = update.Split(' ');
        var matchers = u.Length > 2 ? new[] { M("alertname", "B") } : [];
        string? newId = null;
        try
        {
            newId = store.Set(S(int.Parse(u[0]), int.Parse(u[1]), matchers) with { Id = id });
        }
        catch (SilenceException ex)
        {
            Assert.Equal("silence invalid: end time must not be before start time", ex.Message);
        }

        Assert.Equal(expected, newId is null ? "refused" : newId == id ? "same" : "new");
        // Expiring sets the end to now; the silence is expired from the next instant (upstream's After).
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(oldState, store.Get(id)!.StateAt(time.GetUtcNow()).ToString());
        if (newId is not null && newId != id)
        {
            // A replacement never starts in the past.
            Assert.True(store.Get(newId)!.StartsAt >= T0.AddSeconds(at));
        }
    }

    /// <summary>Name, matchers ("name op value" joined by ";"), start, end, expected error (store or API check), or empty.</summary>
    public static TheoryData<string, string, int, int, string> Invalid => new()
    {
        { "no matchers", "", 0, 60, "silence invalid: at least one matcher required" },
        { "only matchers that match empty", "a = ;b =~ .*", 0, 60, "silence invalid: at least one matcher must not match the empty string" },
        { "a negative matcher does not count as matching empty", "a != x", 0, 60, "" },
        { "an invalid name", "0a = x", 0, 60, "silence invalid: invalid label matcher 0: invalid label name \"0a\"" },
        { "the second matcher is named by index", "a = x;b =~ (", 0, 60, "silence invalid: invalid label matcher 1: invalid regular expression \"(\"" },
        { "start equal to end: API refuses", "a = x", 60, 60, "Failed to create silence: start time must be before end time" },
        { "end in the past: API refuses", "a = x", -120, -60, "Failed to create silence: end time can't be in the past" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_silences_are_refused_in_upstream_words(string name, string matchers, int start, int end, string expected)
    {
        Assert.NotEmpty(name);
        var (store, time) = NewStore();
        var parsed = matchers.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(m => m.Split(' ')).Select(p => M(p[0], p.Length > 2 ? p[2] : "", p[1] switch
        {
            "=" => LabelMatchType.Equal,
            "!=" => LabelMatchType.NotEqual,
            "=~" => LabelMatchType.RegexMatch,
            _ => LabelMatchType.RegexNoMatch,
        })).ToList();
        var silence = new Silence { Matchers = parsed, StartsAt = T0.AddSeconds(start), EndsAt = T0.AddSeconds(end) };
        var error = SilenceValidation.ValidatePost(silence, time.GetUtcNow());
        if (error is null)
        {
            try
            {
                store.Set(silence);
            }
            catch (SilenceException ex)
            {
                error = ex.Message;
            }
        }

        if (expected.Length == 0)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.NotNull(error);
            Assert.StartsWith(expected, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Unknown_id_is_not_found()
    {
        var (store, _) = NewStore();
        var ex = Assert.Throws<SilenceException>(() => store.Set(S(0, 60) with { Id = "nope" }));
        Assert.Equal(("silence not found", true), (ex.Message, ex.NotFound));
        Assert.True(Assert.Throws<SilenceException>(() => store.Expire("nope")).NotFound);
    }

    [Fact]
    public void Expire_ends_active_now_and_pending_before_it_starts()
    {
        var (store, time) = NewStore();
        var active = store.Set(S(0, 600));
        var pending = store.Set(S(300, 600));
        time.SetUtcNow(T0.AddSeconds(60));
        store.Expire(active);
        store.Expire(pending);
        Assert.Equal(T0.AddSeconds(60), store.Get(active)!.EndsAt);
        Assert.Equal((T0.AddSeconds(60), T0.AddSeconds(60)), (store.Get(pending)!.StartsAt, store.Get(pending)!.EndsAt));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, store.Query(states: [SilenceState.Expired]).Count);
        var version = store.Version;
        store.Expire(active); // already expired: nothing changes
        Assert.Equal(version, store.Version);
    }

    [Fact]
    public void States_follow_time_and_GC_waits_for_the_retention()
    {
        var (store, time) = NewStore();
        var id = store.Set(S(60, 120));
        var states = new List<string>();
        foreach (var t in new[] { 59, 60, 120, 121 })
        {
            time.SetUtcNow(T0.AddSeconds(t));
            states.Add(store.Get(id)!.StateAt(time.GetUtcNow()).ToString());
        }

        Assert.Equal(["Pending", "Active", "Active", "Expired"], states);
        time.SetUtcNow(T0.AddSeconds(120 + 3599));
        Assert.Equal(0, store.CollectGarbage());
        time.SetUtcNow(T0.AddSeconds(120 + 3600));
        Assert.Equal(1, store.CollectGarbage());
        Assert.Null(store.Get(id));
    }

    [Fact]
    public void Mutes_names_active_silences_and_marks_pending_ones()
    {
        var marker = new AlertMarker();
        var time = new FakeTimeProvider(T0);
        var n = 0;
        var store = new SilenceStore(time, marker: marker, newId: () => $"id{++n}");
        var labels = LabelSet.FromStrings("alertname", "A", "job", "api");
        store.Set(S(0, 600, M("job", "api")));
        store.Set(S(0, 600, M("alertname", "A|B", LabelMatchType.RegexMatch)));
        store.Set(S(0, 600, M("job", "web")));
        store.Set(S(300, 600, M("job", "api")));
        Assert.Equal(["id1", "id2"], store.Mutes(labels));
        var status = marker.Status(AlertFingerprint.Of(labels));
        Assert.Equal((AlertState.Suppressed, "id4"), (status.State, string.Join(",", status.PendingSilences)));
        Assert.Empty(store.Mutes(LabelSet.FromStrings("alertname", "C")));
        Assert.Equal(["id1", "id4"], store.Query(matches: LabelSet.FromStrings("job", "api")).Select(s => s.Id));
        Assert.Equal(["id4"], store.Query(states: [SilenceState.Pending]).Select(s => s.Id));
        Assert.Equal(["id2"], store.Query(ids: ["id2", "zz"]).Select(s => s.Id));
    }

    [Fact]
    public void The_API_filter_compares_matchers_not_labels()
    {
        var s = S(0, 60, M("job", "api"), M("env", "p.*", LabelMatchType.RegexMatch));
        Assert.True(SilenceStore.MatchesFilter(s, [LabelMatcher.Equal("job", "api")]));
        Assert.True(SilenceStore.MatchesFilter(s, [LabelMatcher.RegexMatch("env", "p.*"), LabelMatcher.Equal("job", "api")]));
        Assert.False(SilenceStore.MatchesFilter(s, [LabelMatcher.Equal("env", "prod")]));
        Assert.False(SilenceStore.MatchesFilter(s, [LabelMatcher.NotEqual("job", "api")]));
    }

    [Fact]
    public void Export_and_import_round_trip()
    {
        var (store, time) = NewStore();
        store.Set(S(0, 600, M("job", "api"), M("env", "p.*", LabelMatchType.RegexNoMatch)));
        store.Set(S(300, 900));
        var copy = new SilenceStore(time);
        copy.ImportJson(store.ExportJson());
        Assert.Equal(store.Query(), copy.Query(), new SilenceComparer());
        Assert.Throws<System.Text.Json.JsonException>(() => copy.ImportJson("{\"version\":1,\"silences\":[{\"id\":\"x\",\"matchers\":[]}]}"));
    }

    private sealed class SilenceComparer : IEqualityComparer<Silence>
    {
        public bool Equals(Silence? x, Silence? y) =>
            x is not null && y is not null && x with { Matchers = [] } == y with { Matchers = [] } && x.Matchers.SequenceEqual(y.Matchers);

        public int GetHashCode(Silence obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
