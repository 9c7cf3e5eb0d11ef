using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Config;

/// <summary>What we accept, upstream accepts: the full realistic config passes <c>promtool check config</c>.</summary>
public sealed class ConfigAcceptedByPromtoolTests
{
    [Fact]
    public async Task The_realistic_config_is_valid_for_upstream_too()
    {
        using var dir = new TempDirectory("sm-promtool-");
        var yaml = PrometheusConfigTests.FullConfig.Replace("/abs/", "abs/", StringComparison.Ordinal);
        foreach (var file in new[] { "certs/ca.pem", "abs/client.pem", "client-key.pem", "token.txt", "abs/alerts.yml", "rules/a.yml" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(dir.Combine(file))!);
            await File.WriteAllTextAsync(dir.Combine(file), file.EndsWith(".yml", StringComparison.Ordinal) ? "groups: []\n" : "x\n");
        }

        var path = dir.Combine("prometheus.yml");
        await File.WriteAllTextAsync(path, yaml);

        var ours = PrometheusConfig.LoadFile(path, n => n == "REPLICA" ? "r1" : null);
        Assert.Equal(3, ours.ScrapeConfigs.Count);
        var upstream = await Promtool.CheckConfigAsync(path);
        Assert.True(upstream.Succeeded, upstream.ToString());
    }
}
