using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Model;
using RoutingRoute = Serverless.Monitoring.Core.Alerting.Routing.Route;

namespace Serverless.Monitoring.Tests.Alerting.Routing;

/// <summary>Option inheritance and group labels as upstream's dispatch.NewRoute.</summary>
public sealed class RouteTests
{
    private const string Config = """
        route:
          receiver: root
          group_by: [alertname]
          group_wait: 10s
          repeat_interval: 1h
          routes:
          - matchers: [a=1]
            group_by: ['...']
            group_interval: 2m
            routes:
            - matchers: [b=2]
              receiver: child
            - matchers: [c=3]
              group_by: [c]
          - matchers: [a=2]
            receiver: other
            mute_time_intervals: [t]
            routes:
            - matchers: [d=4]
        time_intervals:
        - name: t
          time_intervals: [{weekdays: [monday]}]
        receivers: [{name: root}, {name: child}, {name: other}]
        """;

    // Labels, then: key, receiver, group_by_all, group labels, group_wait, group_interval, repeat_interval, mute intervals.
    public static TheoryData<string, string, string, bool, string, int, int, int, string> Cases => new()
    {
        { "alertname=X", "{}", "root", false, "{alertname=\"X\"}", 10, 300, 3600, "" },
        { "alertname=X,a=1,z=9", "{}/{a=\"1\"}", "root", true, "{a=\"1\", alertname=\"X\", z=\"9\"}", 10, 120, 3600, "" },
        { "alertname=X,a=1,b=2", "{}/{a=\"1\"}/{b=\"2\"}", "child", true, "{a=\"1\", alertname=\"X\", b=\"2\"}", 10, 120, 3600, "" },
        { "alertname=X,a=1,c=3", "{}/{a=\"1\"}/{c=\"3\"}", "root", false, "{c=\"3\"}", 10, 120, 3600, "" },
        { "alertname=X,a=2", "{}/{a=\"2\"}", "other", false, "{alertname=\"X\"}", 10, 300, 3600, "t" },
        { "alertname=X,a=2,d=4", "{}/{a=\"2\"}/{d=\"4\"}", "other", false, "{alertname=\"X\"}", 10, 300, 3600, "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Options_are_inherited(string labels, string key, string receiver, bool all, string groupLabels, int wait, int interval, int repeat, string mute)
    {
        var root = RoutingRoute.Build(AlertmanagerConfiguration.Load(Config).Route);
        var set = LabelSet.FromStrings([.. labels.Split(',').SelectMany(p => p.Split('='))]);
        var route = Assert.Single(root.Match(set));
        Assert.Equal(key, route.Key());
        Assert.Equal(receiver, route.Options.Receiver);
        Assert.Equal(all, route.Options.GroupByAll);
        Assert.Equal($"{key}:{groupLabels}", route.GroupKey(route.GroupLabels(set)));
        Assert.Equal(TimeSpan.FromSeconds(wait), route.Options.GroupWait);
        Assert.Equal(TimeSpan.FromSeconds(interval), route.Options.GroupInterval);
        Assert.Equal(TimeSpan.FromSeconds(repeat), route.Options.RepeatInterval);
        Assert.Equal(mute, string.Join(',', route.Options.MuteTimeIntervals));
    }

    [Fact]
    public void Defaults_are_upstreams()
    {
        var root = RoutingRoute.Build(AlertmanagerConfiguration.Load("route: {receiver: r}\nreceivers: [{name: r}]\n").Route);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(4)), (root.Options.GroupWait, root.Options.GroupInterval, root.Options.RepeatInterval));
        Assert.Equal("{}:{}", root.GroupKey(root.GroupLabels(LabelSet.FromStrings("a", "b"))));
    }
}
