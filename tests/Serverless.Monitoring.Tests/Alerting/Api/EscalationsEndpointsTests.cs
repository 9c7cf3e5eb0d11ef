using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.Escalation;
using Serverless.Monitoring.Tests.Storage.Engine;

namespace Serverless.Monitoring.Tests.Alerting.Api;

/// <summary>
/// <c>/api/v2/escalations</c> over a registry with a started escalation: the listing's JSON, an ack
/// through HTTP (which stops the next level), and the 400/404 answers; and every path of the
/// silences and escalations APIs answers as an unknown path when the router is off.
/// </summary>
public sealed class EscalationsEndpointsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static readonly EscalationChain Policy = new(new EscalationPolicy
    {
        Name = "db-oncall",
        Levels =
        [
            new EscalationLevel { Receivers = ["slack-db"] },
            new EscalationLevel { After = TimeSpan.FromMinutes(10), Receivers = ["pagerduty-primary"] },
        ],
        AckTimeout = TimeSpan.FromMinutes(30),
    });

    private const string GroupKey = "{}:{alertname=\"DbDown\"}";

    private readonly ManualTimeProvider _time = new(T0);
    private readonly List<string> _sent = [];

    [Fact]
    public async Task The_list_shows_a_started_escalation_and_an_ack_stops_the_next_level()
    {
        await using var host = await StartAsync();
        var id = (await host.Escalations!.StartAsync(EscalationMachine.Start(Policy, GroupKey, "slack-db", [7], T0), CancellationToken.None)).Id;
        using var http = new HttpClient { BaseAddress = host.BaseUri };

        var (status, body) = await GetAsync(http, "api/v2/escalations");
        Assert.Equal(200, status);
        Assert.Equal(
            "[{\"id\":" + Quote(id) + ",\"groupKey\":\"{}:{alertname=\\\"DbDown\\\"}\",\"receiver\":\"slack-db\",\"policy\":\"db-oncall\",\"status\":\"active\","
            + "\"startedAt\":\"2026-12-07T09:00:00.000Z\",\"run\":0,\"level\":0,\"nextDue\":\"2026-12-07T09:10:00.000Z\","
            + "\"steps\":[{\"level\":0,\"run\":0,\"at\":\"2026-12-07T09:00:00.000Z\",\"receivers\":[\"slack-db\"],\"skipped\":false}]}]\n",
            body);

        _time.Now = T0.AddMinutes(5);
        (status, body) = await PostAsync(http, $"api/v2/escalations/{id}/ack", """{"by":"ann","comment":"on it"}""");
        Assert.Equal(200, status);
        Assert.Contains("\"status\":\"acknowledged\"", body, StringComparison.Ordinal);
        Assert.Contains("\"acknowledgement\":{\"by\":\"ann\",\"comment\":\"on it\",\"at\":\"2026-12-07T09:05:00.000Z\",\"expiresAt\":\"2026-12-07T09:35:00.000Z\"}", body, StringComparison.Ordinal);

        // The second level's time passes without a notification.
        _time.Now = T0.AddMinutes(11);
        await host.Escalations.RunDueAsync(CancellationToken.None);
        Assert.Equal(["0 slack-db"], _sent);
        (_, body) = await GetAsync(http, "api/v2/escalations");
        Assert.Contains("\"status\":\"acknowledged\",", body, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, int, string> BadAcks => new()
    {
        { "no by", """{"comment":"x"}""", 400, "\"invalid acknowledgement: by is required\"\n" },
        { "empty by", """{"by":"  "}""", 400, "\"invalid acknowledgement: by is required\"\n" },
        { "by a number", """{"by":1}""", 400, "\"invalid acknowledgement: by must be a string\"\n" },
        { "not an object", "[]", 400, "\"invalid acknowledgement: the body must be a JSON object\"\n" },
        { "unknown escalation", """{"by":"ann"}""", 404, "\"escalation not found\"\n" },
    };

    [Theory]
    [MemberData(nameof(BadAcks))]
    public async Task A_bad_ack_is_refused_and_changes_nothing(string what, string json, int expectedStatus, string expectedBody)
    {
        await using var host = await StartAsync();
        var id = (await host.Escalations!.StartAsync(EscalationMachine.Start(Policy, GroupKey, "slack-db", [7], T0), CancellationToken.None)).Id;
        using var http = new HttpClient { BaseAddress = host.BaseUri };

        var target = what == "unknown escalation" ? "no-such-id" : id;
        var (status, body) = await PostAsync(http, $"api/v2/escalations/{target}/ack", json);

        Assert.Equal((expectedStatus, expectedBody), (status, body));
        Assert.Equal(EscalationStatus.Active, Assert.Single(await host.Escalations.ListAsync(CancellationToken.None)).Status);
    }

    [Theory]
    [InlineData("GET", "api/v2/silences")]
    [InlineData("POST", "api/v2/silences")]
    [InlineData("GET", "api/v2/silence/00000000-0000-0000-0000-000000000000")]
    [InlineData("DELETE", "api/v2/silence/00000000-0000-0000-0000-000000000000")]
    [InlineData("GET", "api/v2/escalations")]
    [InlineData("POST", "api/v2/escalations/x/ack")]
    public async Task Without_the_router_every_path_is_unknown(string method, string path)
    {
        await using var host = await AlertmanagerStateApiHost.StartAsync(_time, routerOn: false);
        using var http = new HttpClient { BaseAddress = host.BaseUri };
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request);

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("404 page not found\n", await response.Content.ReadAsStringAsync());
    }

    private Task<AlertmanagerStateApiHost> StartAsync() => AlertmanagerStateApiHost.StartAsync(
        _time,
        new EscalationStepper(name => name == Policy.Name ? Policy : null, new Recorder(_sent), NullLogger<EscalationStepper>.Instance));

    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    private static async Task<(int, string)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(int, string)> PostAsync(HttpClient http, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private sealed class Recorder(List<string> sent) : IEscalationNotifier
    {
        public Task NotifyAsync(EscalationState escalation, EscalationStep reached, CancellationToken cancellationToken)
        {
            sent.AddRange(reached.Receivers.Select(r => $"{reached.Level} {r}"));
            return Task.CompletedTask;
        }
    }
}
