using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Tests.Alerting.Config;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Rules;
using RoutingRoute = Serverless.Monitoring.Core.Alerting.Routing.Route;

namespace Serverless.Monitoring.Tests.Alerting.Routing;

/// <summary>
/// <c>test routes</c> against <c>amtool config routes test</c> 0.25 on a tree with nested routes,
/// continue, regex and negative matchers, match and match_re: 50 label sets, the same receivers
/// (in the same order), the same output and exit code; and the same <c>--tree</c> drawing.
/// </summary>
public sealed class RoutesAgainstAmtoolTests
{
    private static readonly string ConfigPath = Path.Combine(ToolLocator.RepositoryRoot, "tests", "Serverless.Monitoring.Tests", "Alerting", "Routing", "Files", "routing.yml");

    private static readonly string[][] LabelSets =
    [
        [], ["alertname=A"], ["severity=page"], ["severity=page", "team=db"], ["severity=page", "team=web"],
        ["severity=page", "team=api", "env=prod"], ["severity=page", "team=web", "env=prod"], ["severity=page", "env=prod"],
        ["severity=page", "team=dbx"], ["severity=warning", "team=db"], ["team=db", "service=mysql"], ["team=db", "service=postgres", "env=dev"],
        ["team=db", "service=postgres", "env=prod"], ["team=db", "service=redis"], ["team=db", "service=redis-cache"], ["team=db", "service=mongo"],
        ["team=db"], ["team=web"], ["team=web", "instance=a:9100"], ["team=webshop", "instance=b"], ["team=web", "instance=a", "cluster=eu-west"],
        ["cluster=eu-west"], ["cluster=eu-central"], ["cluster=eu-"], ["cluster=us-east"], ["cluster=EU-west"], ["alertname=Watchdog"],
        ["alertname=DeadMansSwitch"], ["alertname=Watchdog2"], ["alertname=Watchdog", "cluster=eu-west"], ["severity=page", "cluster=eu-west"],
        ["severity=page", "team=db", "cluster=eu-west"], ["severity=Page"], ["severity=page ", "team=db"], ["team=api", "instance=x"],
        ["team=web.x", "instance=y"], ["team=db", "service=mysql", "env=dev"], ["team=db", "service=", "env=prod"], ["instance=z", "team=web", "severity=page"],
        ["severity=page", "team=web|api"], ["team=db", "severity=page", "service=mysql"], ["cluster=eu-west", "team=db", "service=mysql"],
        ["cluster=eu-north", "alertname=Watchdog"], ["env=prod"], ["service=mysql"], ["team=db", "cluster=eu-west"], ["team=", "instance=a"],
        ["severity=page", "team=api"], ["severity=page", "team=web", "cluster=eu-west", "env=prod"], ["alertname=x", "team=webapp", "instance=i", "cluster=eu-south"],
    ];

    [Fact]
    public void Fifty_label_sets() => Assert.Equal(50, LabelSets.Length);

    [Fact]
    public async Task Same_receivers_as_amtool()
    {
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var labels in LabelSets)
        {
            string[] args = ["--config.file=" + ConfigPath, .. labels];
            var upstream = await Amtool.RunAsync(["config", "routes", "test", .. args]);
            var (code, output, error) = await RulesAgainstPromtoolTests.RunOursAsync(["test", "routes", .. args]);
            var set = string.Join(' ', labels);
            Assert.True(upstream.ExitCode == code, $"{set}: amtool exit {upstream.ExitCode}, ours {code}: {error}");
            Assert.True(upstream.StandardOutput == output, $"{set}: amtool {upstream.StandardOutput} ours {output}");
            distinct.Add(output);
        }

        // The label sets exercise the tree: many different outcomes, several with more than one receiver.
        Assert.True(distinct.Count >= 12, string.Join(" | ", distinct));
        Assert.Contains(distinct, o => o.Count(c => c == ',') >= 2);
    }

    [Theory]
    [InlineData("severity=page", "team=web", "cluster=eu-west", "env=prod")]
    [InlineData("team=db", "service=mysql")]
    [InlineData("alertname=A")]
    public async Task Same_tree_and_verification_as_amtool(params string[] labels)
    {
        string[] args = ["--config.file=" + ConfigPath, "--tree", "--verify.receivers=default", .. labels];
        var upstream = await Amtool.RunAsync(["config", "routes", "test", .. args]);
        var (code, output, _) = await RulesAgainstPromtoolTests.RunOursAsync(["test", "routes", .. args]);
        Assert.Equal(upstream.ExitCode, code);
        Assert.Equal(upstream.StandardOutput, output);
    }

    [Fact]
    public async Task A_label_that_is_not_an_equality_fails_as_amtool()
    {
        string[] args = ["--config.file=" + ConfigPath, "team=~db"];
        var upstream = await Amtool.RunAsync(["config", "routes", "test", .. args]);
        var (code, _, error) = await RulesAgainstPromtoolTests.RunOursAsync(["test", "routes", .. args]);
        Assert.Equal(upstream.ExitCode, code);
        Assert.Contains("Failed to parse labels: labels must be specified as key=value pairs", upstream.StandardError, StringComparison.Ordinal);
        Assert.Contains("Failed to parse labels: labels must be specified as key=value pairs", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_keys_and_group_keys_are_upstreams()
    {
        var root = RoutingRoute.Build(AlertmanagerConfiguration.LoadFile(ConfigPath).Route);
        var labels = Core.Model.LabelSet.FromStrings("alertname", "Disk \"full\"", "severity", "page", "team", "db");
        // The page route continues, so the team=db route matches too.
        var matched = root.Match(labels);
        Assert.Equal(["db-pager", "db-other"], matched.Select(r => r.Options.Receiver));
        var route = matched[0];
        Assert.Equal("{}/{severity=\"page\"}/{team=\"db\"}", route.Key());
        Assert.Equal("db-pager", route.Options.Receiver);
        Assert.Equal(TimeSpan.FromSeconds(30), route.Options.GroupWait);
        var group = route.GroupLabels(labels);
        Assert.Equal("{}/{severity=\"page\"}/{team=\"db\"}:{alertname=\"Disk \\\"full\\\"\"}", route.GroupKey(group));
    }
}
