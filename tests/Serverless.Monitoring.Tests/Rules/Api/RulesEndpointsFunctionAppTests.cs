using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Monitoring.Functions.Durable;
using Serverless.Monitoring.Functions.FunctionApp;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.FunctionApp;
using FunctionsWorkerHost = Serverless.Monitoring.Functions.Hosting.FunctionsWorkerHost;

namespace Serverless.Monitoring.Tests.Rules.Api;

/// <summary>
/// The function app's <c>Api</c> function serves the rules endpoints from the same endpoint map as
/// the embedded server, with the same parameter checks; its groups are the loaded rule files' as
/// each group's last evaluation (a Durable activity, possibly on another instance) saved them.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RulesEndpointsFunctionAppTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempDirectory _work = new("sm-rules-api-fn-");

    [Theory]
    [InlineData("/api/v1/rules", 200, """{"status":"success","data":{"groups":[]}}""")]
    [InlineData("/api/v1/rules?type=record&exclude_alerts=true&group_limit=2", 200, """{"status":"success","data":{"groups":[]}}""")]
    [InlineData("/api/v1/alerts", 200, """{"status":"success","data":{"alerts":[]}}""")]
    [InlineData("/api/v1/alertmanagers", 200, """{"status":"success","data":{"activeAlertmanagers":[],"droppedAlertmanagers":[]}}""")]
    [InlineData("/api/v1/rules?type=x", 400, """{"status":"error","errorType":"bad_data","error":"invalid parameter \"type\": not supported value \"x\""}""")]
    [InlineData("/api/v1/rules?group_next_token=abc", 400, """{"status":"error","errorType":"bad_data","error":"invalid parameter \"group_next_token\": group_limit needs to be present in order to paginate over the groups"}""")]
    public async Task The_Api_function_serves_the_rules_endpoints(string pathAndQuery, int status, string body)
    {
        File.WriteAllText(_work.Combine("prometheus.yml"), "scrape_configs: []\n");
        using var app = BuildApp();
        Assert.Equal((status, body), await GetAsync(app, pathAndQuery));
    }

    [Fact]
    public async Task The_rules_endpoints_list_the_state_each_evaluation_saved()
    {
        // The state blob's name comes from the rule file's path, unique to this test's folder.
        File.WriteAllText(_work.Combine("rules.yml"), """
            groups:
              - name: fn-api
                interval: 1s
                rules:
                  - record: job:up:fn
                    expr: vector(1)
                  - alert: AlwaysFiring
                    expr: job:up:fn > 0
                    labels:
                      severity: page
            """);
        File.WriteAllText(_work.Combine("prometheus.yml"), "rule_files: ['rules.yml']\n");
        using var app = BuildApp();

        var before = JsonDocument.Parse((await GetAsync(app, "/api/v1/rules")).Body).RootElement.GetProperty("data").GetProperty("groups");
        var group = Assert.Single(before.EnumerateArray());
        Assert.Equal("fn-api", group.GetProperty("name").GetString());
        Assert.Equal("0001-01-01T00:00:00Z", group.GetProperty("lastEvaluation").GetString());
        Assert.Equal(["unknown", "unknown"], group.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("health").GetString()));

        // Two activities as the orchestration runs them: the first finds the slot, the second evaluates it.
        var functions = app.Create<RuleGroupFunctions>();
        var key = Core.Rules.RuntimeRuleGroups.Key(_work.Combine("rules.yml"), "fn-api");
        var step = await functions.EvaluateAsync(new RuleGroupStep(key), CancellationToken.None);
        step = await functions.EvaluateAsync(step with { Evaluate = true }, CancellationToken.None);
        Assert.Equal(1, step.Evaluations);

        var after = JsonDocument.Parse((await GetAsync(app, "/api/v1/rules")).Body).RootElement.GetProperty("data").GetProperty("groups");
        group = Assert.Single(after.EnumerateArray());
        Assert.NotEqual("0001-01-01T00:00:00Z", group.GetProperty("lastEvaluation").GetString());
        Assert.Equal(["ok", "ok"], group.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("health").GetString()));
        var alerting = group.GetProperty("rules")[1];
        Assert.Equal("firing", alerting.GetProperty("state").GetString());

        var alerts = JsonDocument.Parse((await GetAsync(app, "/api/v1/alerts")).Body).RootElement.GetProperty("data").GetProperty("alerts");
        var alert = Assert.Single(alerts.EnumerateArray());
        Assert.Equal("firing", alert.GetProperty("state").GetString());
        Assert.Equal("""{"alertname":"AlwaysFiring","severity":"page"}""", alert.GetProperty("labels").GetRawText());
    }

    private IHost BuildApp()
    {
        var app = FunctionAppServices.Build(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureStorage",
            ["MonitoringStorage"] = azurite.ConnectionString,
            ["Scrape:Bus"] = "StorageQueue",
            ["Scrape:ConfigFile"] = _work.Combine("prometheus.yml"),
        });
        FunctionsWorkerHost.Validate(app.Services);
        return app;
    }

    private static async Task<(int Status, string Body)> GetAsync(IHost app, string pathAndQuery)
    {
        using var scope = app.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var uri = new Uri("http://127.0.0.1" + pathAndQuery);
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1");
        context.Request.Path = uri.AbsolutePath;
        context.Request.QueryString = new QueryString(uri.Query);
        using var response = new MemoryStream();
        context.Response.Body = response;
        await app.Create<ApiFunction>().RunAsync(context.Request);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray()));
    }

    public void Dispose() => _work.Dispose();
}
