using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Alerting.Alerts;

/// <summary>
/// Putting an alert over a stored one of the same fingerprint: merged when their ranges overlap
/// (<c>types.Alert.Merge</c>), replaced otherwise. Times in seconds from T0; "t" marks a timeout end.
/// </summary>
public sealed class AlertMergeTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Name, old (start end updated), new (start end updated), now, stored (start end).</summary>
    public static TheoryData<string, string, string, int, string> Cases => new()
    {
        { "refresh of a firing alert keeps the earlier start", "0 300t 0", "60 360t 60", 60, "0 360" },
        { "a new client end shorter than a timeout end wins (younger)", "0 300t 0", "60 120 60", 60, "0 120" },
        { "an older client end later than the younger's firing end wins", "0 500 0", "60 360t 60", 60, "0 500" },
        { "an older timeout end never wins", "0 500t 0", "60 360t 60", 60, "0 360" },
        { "resolving: the younger's past end stays", "0 300t 0", "0 50 60", 60, "0 50" },
        { "both resolved: the later explicit end wins", "0 55 50", "0 40 60", 60, "0 55" },
        { "a start inside the old range merges to the earlier start", "0 300 0", "10 300t 10", 10, "0 300" },
        { "no overlap: a new episode after the old ended replaces it", "0 50 50", "100 400t 100", 100, "100 400" },
        { "no overlap: an earlier start and a later end replace", "10 300 10", "0 400t 20", 20, "0 400" },
        { "the older one arriving later still loses to the younger", "60 360t 60", "0 300t 0", 60, "0 360" },
        { "a start before the old start with an end inside merges", "60 600 60", "30 300 70", 70, "30 600" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Put_merges_as_upstream(string name, string old, string incoming, int now, string expected)
    {
        Assert.NotEmpty(name);
        var store = new AlertStore();
        store.Put([Parse(old)], T0.AddSeconds(now));
        var stored = Assert.Single(store.Put([Parse(incoming)], T0.AddSeconds(now)));
        Assert.Equal(expected, $"{(stored.StartsAt - T0).TotalSeconds} {(stored.EndsAt!.Value - T0).TotalSeconds}");
        Assert.Same(stored, store.Get(stored.Fingerprint));
    }

    private static Alert Parse(string spec)
    {
        var f = spec.Split(' ');
        var timeout = f[1].EndsWith('t');
        return new Alert
        {
            Labels = LabelSet.FromStrings("alertname", "A"),
            StartsAt = T0.AddSeconds(int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture)),
            EndsAt = T0.AddSeconds(int.Parse(f[1].TrimEnd('t'), System.Globalization.CultureInfo.InvariantCulture)),
            Timeout = timeout,
            UpdatedAt = T0.AddSeconds(int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture)),
        };
    }
}
