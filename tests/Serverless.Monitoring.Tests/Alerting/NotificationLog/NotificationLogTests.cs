using Serverless.Monitoring.Core.Alerting.NotificationLog;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Alerting.NotificationLog;

/// <summary>The notification log and the dedup decision, as Alertmanager 0.25's nflog and dedup stage.</summary>
public sealed class NotificationLogTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Name, entry ("-" none, else "firing/resolved@age-in-minutes", sets as digits), now ("firing/resolved"),
    /// send_resolved, repeat_interval (minutes), notify?
    /// </summary>
    public static TheoryData<string, string, string, bool, int, bool> Decisions => new()
    {
        { "no entry, something fires", "-", "1/", false, 240, true },
        { "no entry, only resolved", "-", "/1", true, 240, false },
        { "no entry, nothing", "-", "/", true, 240, false },
        { "a new firing alert", "1/@1", "12/", false, 240, true },
        { "same firing, within repeat", "12/@1", "12/", false, 240, false },
        { "fewer firing (one resolved), without send_resolved, within repeat", "12/@1", "1/2", false, 240, false },
        { "fewer firing (one resolved), with send_resolved", "12/@1", "1/2", true, 240, true },
        { "already sent resolved, with send_resolved, within repeat", "1/2@1", "1/2", true, 240, false },
        { "all resolved after firing: notify even without send_resolved", "12/@1", "/12", false, 240, true },
        { "all resolved and the last had none firing", "/1@1", "/12", true, 240, false },
        { "repeat interval passed", "12/@241", "12/", false, 240, true },
        { "exactly repeat interval: not yet (strictly before)", "12/@240", "12/", false, 240, false },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void NeedsUpdate_as_upstream(string name, string entry, string current, bool sendResolved, int repeatMinutes, bool expected)
    {
        Assert.NotEmpty(name);
        NotificationEntry? e = null;
        if (entry != "-")
        {
            var at = entry.Split('@');
            var (f, r) = Sets(at[0]);
            var ts = T0.AddMinutes(-int.Parse(at[1], System.Globalization.CultureInfo.InvariantCulture));
            e = new NotificationEntry("g", new NotificationReceiver("r", "webhook", 0), f, r, ts, ts.AddHours(1));
        }

        var (firing, resolved) = Sets(current);
        Assert.Equal(expected, Dedup.NeedsUpdate(e, firing, resolved, sendResolved, TimeSpan.FromMinutes(repeatMinutes), T0));
    }

    [Fact]
    public void Entries_expire_after_twice_the_repeat_interval_or_the_retention()
    {
        var log = new NotificationLogStore(TimeSpan.FromHours(120));
        var r = new NotificationReceiver("team", "webhook", 0);
        log.Log(r, "g1", [1], [], TimeSpan.FromHours(8), T0);
        log.Log(r, "g2", [1], [], TimeSpan.FromHours(300), T0);
        Assert.Equal(T0.AddHours(8), log.Query("g1", r)!.ExpiresAt);
        Assert.Equal(T0.AddHours(120), log.Query("g2", r)!.ExpiresAt);
        Assert.Equal(0, log.CollectGarbage(T0.AddHours(8).AddTicks(-1)));
        Assert.Equal(1, log.CollectGarbage(T0.AddHours(8)));
        Assert.Null(log.Query("g1", r));
        Assert.NotNull(log.Query("g2", r));
    }

    [Fact]
    public void Entries_are_per_receiver_integration_and_never_go_back_in_time()
    {
        var log = new NotificationLogStore();
        log.Log(new NotificationReceiver("team", "webhook", 0), "g", [1], [], TimeSpan.Zero, T0.AddSeconds(10));
        log.Log(new NotificationReceiver("team", "webhook", 0), "g", [2], [], TimeSpan.Zero, T0);
        log.Log(new NotificationReceiver("team", "webhook", 1), "g", [3], [], TimeSpan.Zero, T0);
        Assert.Equal([1UL], log.Query("g", new NotificationReceiver("team", "webhook", 0))!.FiringAlerts);
        Assert.Equal([3UL], log.Query("g", new NotificationReceiver("team", "webhook", 1))!.FiringAlerts);
        Assert.Null(log.Query("g", new NotificationReceiver("team", "slack", 0)));
    }

    [Fact]
    public void Export_and_import_round_trip()
    {
        var log = new NotificationLogStore();
        var r = new NotificationReceiver("team", "webhook", 2);
        log.Log(r, "{}:{a=\"b\"}", [ulong.MaxValue, 7], [9], TimeSpan.FromHours(8), T0);
        var copy = new NotificationLogStore();
        copy.ImportJson(log.ExportJson());
        var a = log.Query("{}:{a=\"b\"}", r)!;
        var b = copy.Query("{}:{a=\"b\"}", r)!;
        Assert.Equal((a.Timestamp, a.ExpiresAt, a.Receiver), (b.Timestamp, b.ExpiresAt, b.Receiver));
        Assert.True(a.FiringAlerts.SetEquals(b.FiringAlerts) && a.ResolvedAlerts.SetEquals(b.ResolvedAlerts));
    }

    [Fact]
    public void Alert_hash_is_xxhash64_of_labels_with_separators()
    {
        // xxHash64 of "a\xffb\xff" (seed 0), independent of the fingerprint's FNV-1a.
        var bytes = new byte[] { (byte)'a', 0xFF, (byte)'b', 0xFF };
        Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(bytes), AlertHash.Of(LabelSet.FromStrings("a", "b")));
        Assert.NotEqual(AlertHash.Of(LabelSet.FromStrings("a", "b")), AlertHash.Of(LabelSet.FromStrings("a", "c")));
    }

    private static (HashSet<ulong> Firing, HashSet<ulong> Resolved) Sets(string s)
    {
        var parts = s.Split('/');
        return ([.. parts[0].Select(c => (ulong)(c - '0'))], [.. parts[1].Select(c => (ulong)(c - '0'))]);
    }
}
