using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Tests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace Serverless.Monitoring.Tests.Infra;

/// <summary>
/// infra/grafana/datasource.yaml: a Prometheus data source that queries the function app with
/// POST, sends the function key in <c>x-functions-key</c> from an environment variable (never a
/// literal secret), and declares the Prometheus version whose API we serve.
/// </summary>
public sealed partial class GrafanaDatasourceTests
{
    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(ToolLocator.RepositoryRoot, "infra", "grafana", "datasource.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static string Scalar(YamlMappingNode node, string key) =>
        Assert.IsType<YamlScalarNode>(node.Children[new YamlScalarNode(key)]).Value!;

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        Assert.IsType<YamlMappingNode>(node.Children[new YamlScalarNode(key)]);

    private static YamlMappingNode DataSource()
    {
        var root = Load();
        Assert.Equal("1", Scalar(root, "apiVersion"));
        var list = Assert.IsType<YamlSequenceNode>(root.Children[new YamlScalarNode("datasources")]);
        return Assert.IsType<YamlMappingNode>(Assert.Single(list.Children));
    }

    [Fact]
    public void It_is_a_Prometheus_data_source_proxied_by_Grafana_to_the_app_root()
    {
        var source = DataSource();
        Assert.Equal("prometheus", Scalar(source, "type"));
        Assert.Equal("proxy", Scalar(source, "access"));
        var url = Scalar(source, "url");
        Assert.Matches(EnvironmentReference(), url);
        Assert.False(string.IsNullOrWhiteSpace(Scalar(source, "uid")));
    }

    [Theory]
    [InlineData("httpMethod", "POST")]
    [InlineData("prometheusType", "Prometheus")]
    [InlineData("prometheusVersion", "2.42.0")]
    [InlineData("httpHeaderName1", "x-functions-key")]
    public void Its_json_data_has(string key, string expected) =>
        Assert.Equal(expected, Scalar(Map(DataSource(), "jsonData"), key));

    [Fact]
    public void The_function_key_comes_from_an_environment_variable_in_the_secure_field_of_the_same_header()
    {
        var source = DataSource();
        var headerNames = Map(source, "jsonData").Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).Where(k => k.StartsWith("httpHeaderName", StringComparison.Ordinal)).ToList();
        var suffix = Assert.Single(headerNames)["httpHeaderName".Length..];
        var secure = Map(source, "secureJsonData");
        Assert.Matches(EnvironmentReference(), Scalar(secure, "httpHeaderValue" + suffix));
        Assert.False(Map(source, "jsonData").Children.ContainsKey(new YamlScalarNode("httpHeaderValue" + suffix)), "the key must not be in plain jsonData");
    }

    [Fact]
    public void Its_scrape_interval_is_the_Scrape_timer_period()
    {
        var interval = PrometheusDuration.Parse(Scalar(Map(DataSource(), "jsonData"), "timeInterval"));
        Assert.Equal(Serverless.Monitoring.Functions.FunctionApp.ScrapeFunction.Period, interval);
    }

    /// <summary>Grafana's provisioning interpolation: <c>$NAME</c> or <c>${NAME}</c>, the whole value.</summary>
    [GeneratedRegex(@"^\$(\{[A-Z_][A-Z0-9_]*\}|[A-Z_][A-Z0-9_]*)$")]
    private static partial Regex EnvironmentReference();
}
