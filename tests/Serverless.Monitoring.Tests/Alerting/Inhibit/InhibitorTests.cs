using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Alerting.Inhibit;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Alerting.Inhibit;

/// <summary>
/// Inhibition, with the cases of Alertmanager 0.25's inhibit/inhibit_test.go (our own tables). Label
/// sets are written <c>a=b,c=d</c>; a source alert ending in <c>!</c> is resolved.
/// </summary>
public sealed class InhibitorTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>TestInhibitRuleHasEqual: source alerts, equal labels, target, inhibited.</summary>
    public static TheoryData<string, string, string, string, bool> HasEqual => new()
    {
        { "no source alerts at all", "", "", "a=b", false },
        { "no equal labels: any firing source inhibits", "x=y", "", "a=b", true },
        { "matching but already resolved", "a=b,b=f! a=b,b=c!", "a,b", "a=b,b=c", false },
        { "matching and unresolved", "a=b,c=d! a=b,c=f", "a", "a=b", true },
        { "equal label does not match", "a=c,c=d! a=c,c=f!", "a", "a=b", false },
        { "a missing equal label equals the empty value", "x=y", "zone", "a=b", true },
        { "a missing equal label on one side only differs", "x=y,zone=1", "zone", "a=b", false },
    };

    [Theory]
    [MemberData(nameof(HasEqual))]
    public void Equal_labels_decide_as_upstream(string name, string sources, string equal, string target, bool inhibited)
    {
        Assert.NotEmpty(name);
        // Sides that only the sources, and only the target, match (upstream calls hasEqual directly).
        var rule = new InhibitRule([LabelMatcher.NotEqual("role", "target")], [LabelMatcher.Equal("role", "target")], equal.Length == 0 ? [] : equal.Split(','));
        var inhibitor = new Inhibitor([rule]);
        foreach (var s in sources.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            inhibitor.Observe(Source(s));
        }

        Assert.Equal(inhibited, inhibitor.Mutes(L(target).With("role", "target"), Now));
    }

    /// <summary>Which rule set (legacy match or matchers), target, inhibited: TestInhibitRuleMatches and TestInhibitRuleMatchers.</summary>
    public static TheoryData<string, string, bool> Matches => new()
    {
        { "match", "t1=1,e=1", true },
        { "match", "t2=1,e=1", true },
        { "match", "t1=1,t3=1,e=1", true },
        { "match", "t1=1,t2=1,e=1", true },
        { "match", "t1=0,e=1", false },
        { "match", "s1=1,t1=1,e=1", true },
        { "match", "s2=1,t2=1,e=1", false },
        { "match", "t1=1,e=0", false },
        { "matchers", "t1=1,e=1", false },
        { "matchers", "t2=1,e=1", true },
        { "matchers", "t1=1,t3=1,e=1", false },
        { "matchers", "t1=1,t2=1,e=1", true },
        { "matchers", "t1=0,e=1", true },
        { "matchers", "s1=1,t1=1,e=1", false },
        { "matchers", "s2=1,t2=1,e=1", true },
        { "matchers", "t1=1,e=0", false },
    };

    [Theory]
    [MemberData(nameof(Matches))]
    public void Two_rules_inhibit_as_upstream(string rules, string target, bool inhibited)
    {
        // rule1's target is t1="1" (legacy) or t1!="1" (matchers); rule2 is the same in both.
        var t1 = rules == "match" ? LabelMatcher.Equal("t1", "1") : LabelMatcher.NotEqual("t1", "1");
        var inhibitor = new Inhibitor(
        [
            new InhibitRule([LabelMatcher.Equal("s1", "1")], [t1], ["e"]),
            new InhibitRule([LabelMatcher.Equal("s2", "1")], [LabelMatcher.Equal("t2", "1")], ["e"]),
        ]);
        inhibitor.Observe(Source("s1=1,t1=2,e=1"));
        inhibitor.Observe(Source("s2=1,t2=1,e=1"));
        Assert.Equal(inhibited, inhibitor.Mutes(L(target), Now));
    }

    /// <summary>TestInhibit: alerts observed in order, then each label set and whether it is muted.</summary>
    public static TheoryData<string, string, string> Sequences => new()
    {
        { "the target is not muted while the source has not fired", "t=1,e=f", "t=1,e=f:false" },
        { "an active source mutes the target, not itself", "t=1,e=f s=1,e=f", "t=1,e=f:true s=1,e=f:false" },
        { "a source that resolves unmutes the target", "t=1,e=f s=1,e=f s=1,e=f!", "t=1,e=f:false s=1,e=f:false" },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Observed_alerts_mute_as_upstream(string name, string observed, string expected)
    {
        Assert.NotEmpty(name);
        var inhibitor = new Inhibitor([new InhibitRule([LabelMatcher.Equal("s", "1")], [LabelMatcher.Equal("t", "1")], ["e"])]);
        foreach (var a in observed.Split(' '))
        {
            inhibitor.Observe(Source(a));
        }

        var actual = expected.Split(' ').Select(e => e.Split(':')[0]).Select(l => $"{l}:{(inhibitor.Mutes(L(l), Now) ? "true" : "false")}");
        Assert.Equal(expected, string.Join(' ', actual));
    }

    [Fact]
    public void The_marker_records_the_inhibiting_fingerprint_and_clears_it()
    {
        var marker = new AlertMarker();
        var inhibitor = new Inhibitor([new InhibitRule([LabelMatcher.Equal("s", "1")], [LabelMatcher.Equal("t", "1")], ["e"])], marker);
        var source = Source("s=1,e=f");
        inhibitor.Observe(source);
        var target = L("t=1,e=f");
        Assert.True(inhibitor.Mutes(target, Now));
        var status = marker.Status(AlertFingerprint.Of(target));
        Assert.Equal([AlertFingerprint.Format(source.Fingerprint)], status.InhibitedBy);
        Assert.Equal(AlertState.Suppressed, status.State);
        Assert.False(inhibitor.Mutes(target, Now.AddHours(2)));
        Assert.Equal(AlertState.Active, marker.State(AlertFingerprint.Of(target)));
    }

    private static LabelSet L(string s) =>
        LabelSet.FromDictionary(s.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).Select(p => KeyValuePair.Create(p[0], p[1])));

    private static Alert Source(string s)
    {
        var resolved = s.EndsWith('!');
        return new Alert
        {
            Labels = L(s.TrimEnd('!')),
            StartsAt = Now.AddMinutes(-1),
            EndsAt = resolved ? Now.AddSeconds(-1) : Now.AddHours(1),
            UpdatedAt = Now,
        };
    }
}
