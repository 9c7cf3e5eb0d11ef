using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Monitoring.Functions.FunctionApp;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.FunctionApp;
using FunctionsWorkerHost = Serverless.Monitoring.Functions.Hosting.FunctionsWorkerHost;

namespace Serverless.Monitoring.Tests.Rules.Api;

/// <summary>
/// The function app's <c>Api</c> function serves the rules endpoints from the same endpoint map as
/// the embedded server (its rule manager holds no groups yet, so the lists are empty), with the
/// same parameter checks.
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
        using var app = FunctionAppServices.Build(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureStorage",
            ["MonitoringStorage"] = azurite.ConnectionString,
            ["Scrape:Bus"] = "StorageQueue",
            ["Scrape:ConfigFile"] = _work.Combine("prometheus.yml"),
        });
        FunctionsWorkerHost.Validate(app.Services);

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

        Assert.Equal((status, body), (context.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray())));
    }

    public void Dispose() => _work.Dispose();
}
