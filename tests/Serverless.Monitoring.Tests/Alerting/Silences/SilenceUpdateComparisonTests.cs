using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Monitoring.Core.Alerting.Silences;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Silences;

/// <summary>
/// Update in place or replace: the same sequence of silence posts to a real Alertmanager 0.25 (its
/// <c>/api/v2/silences</c>) and to our store must keep or change the ID the same way, and leave the
/// old silence in the same state.
/// </summary>
public sealed class SilenceUpdateComparisonTests
{
    private sealed record Scenario(string Name, int Start, int End, bool ExpireFirst, Func<JsonObject, JsonObject> Update);

    private static readonly Scenario[] Scenarios =
    [
        new("active, later end", -1, 600, false, s => With(s, "endsAt", Time(1200))),
        new("active, comment only", -1, 600, false, s => With(s, "comment", "changed")),
        new("active, other matchers", -1, 600, false, s => With(s, "matchers", Matchers("B"))),
        new("active, later start", -1, 600, false, s => With(s, "startsAt", Time(300))),
        new("pending, later start", 300, 600, false, s => With(s, "startsAt", Time(400))),
        new("pending, start in the past", 300, 600, false, s => With(s, "startsAt", Time(-60))),
        new("pending, other matchers", 300, 600, false, s => With(s, "matchers", Matchers("B"))),
        new("expired, later end", -1, 600, true, s => With(s, "endsAt", Time(1200))),
    ];

    private static DateTimeOffset _base;

    [Fact]
    public async Task Update_or_replace_agrees_with_a_real_Alertmanager()
    {
        using var am = await AlertmanagerFixture.StartAsync();
        using var http = LoopbackHttp.CreateClient();
        var store = new SilenceStore(TimeProvider.System);
        _base = DateTimeOffset.UtcNow;
        var theirs = new List<string>();
        var ours = new List<string>();
        foreach (var sc in Scenarios)
        {
            // Alertmanager.
            var created = Body(sc.Start, sc.End, "A");
            var id = await PostAsync(http, am.BaseUri, created);
            if (sc.ExpireFirst)
            {
                (await http.DeleteAsync(new Uri(am.BaseUri, $"api/v2/silence/{id}"))).EnsureSuccessStatusCode();
                await Task.Delay(10);
            }

            var stored = await GetAsync(http, am.BaseUri, id);
            var update = sc.Update(new JsonObject
            {
                ["id"] = id,
                ["matchers"] = stored["matchers"]!.DeepClone(),
                ["startsAt"] = stored["startsAt"]!.DeepClone(),
                ["endsAt"] = stored["endsAt"]!.DeepClone(),
                ["createdBy"] = "test",
                ["comment"] = "c",
            });
            var newId = await PostAsync(http, am.BaseUri, update);
            await Task.Delay(10);
            var oldState = (string)(await GetAsync(http, am.BaseUri, id))["status"]!["state"]!;
            theirs.Add($"{sc.Name}: {(newId == id ? "same" : "new")}, old {oldState}");

            // Ours, from the same documents.
            var ourId = store.Set(ToSilence(created));
            if (sc.ExpireFirst)
            {
                store.Expire(ourId);
                await Task.Delay(10);
            }

            var ourStored = store.Get(ourId)!;
            var ourUpdate = sc.Update(new JsonObject
            {
                ["matchers"] = Matchers("A"),
                ["startsAt"] = ourStored.StartsAt.ToString("o", CultureInfo.InvariantCulture),
                ["endsAt"] = ourStored.EndsAt.ToString("o", CultureInfo.InvariantCulture),
                ["comment"] = "c",
            });
            var ourNewId = store.Set(ToSilence(ourUpdate) with { Id = ourId });
            await Task.Delay(10);
            var ourOld = store.Get(ourId)!.StateAt(DateTimeOffset.UtcNow).ToString().ToLowerInvariant();
            ours.Add($"{sc.Name}: {(ourNewId == ourId ? "same" : "new")}, old {ourOld}");
        }

        Assert.Equal(theirs, ours);
        // Guard against both sides agreeing on nonsense: the decisions upstream's canUpdate implies.
        Assert.Equal(
            [
                "active, later end: same, old active",
                "active, comment only: same, old active",
                "active, other matchers: new, old expired",
                "active, later start: new, old expired",
                "pending, later start: same, old pending",
                "pending, start in the past: new, old expired",
                "pending, other matchers: new, old expired",
                "expired, later end: new, old expired",
            ],
            ours);
    }

    private static string Time(int seconds) => _base.AddSeconds(seconds).ToString("o", CultureInfo.InvariantCulture);

    private static JsonArray Matchers(string alertname) =>
        [new JsonObject { ["name"] = "alertname", ["value"] = alertname, ["isRegex"] = false, ["isEqual"] = true }];

    private static JsonObject Body(int start, int end, string alertname) => new()
    {
        ["matchers"] = Matchers(alertname),
        ["startsAt"] = Time(start),
        ["endsAt"] = Time(end),
        ["createdBy"] = "test",
        ["comment"] = "c",
    };

    private static JsonObject With(JsonObject o, string key, JsonNode value)
    {
        o[key] = value;
        return o;
    }

    private static Silence ToSilence(JsonObject o) => new()
    {
        Matchers = [.. o["matchers"]!.AsArray().Select(m => SilenceMatcher.FromApi((string)m!["name"]!, (string)m["value"]!, (bool)m["isRegex"]!, (bool)m["isEqual"]!))],
        StartsAt = DateTimeOffset.Parse((string)o["startsAt"]!, CultureInfo.InvariantCulture),
        EndsAt = DateTimeOffset.Parse((string)o["endsAt"]!, CultureInfo.InvariantCulture),
        Comment = (string?)o["comment"] ?? "",
    };

    private static async Task<string> PostAsync(HttpClient http, Uri baseUri, JsonObject body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(baseUri, "api/v2/silences"), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("silenceID").GetString()!;
    }

    private static async Task<JsonNode> GetAsync(HttpClient http, Uri baseUri, string id) =>
        JsonNode.Parse(await http.GetStringAsync(new Uri(baseUri, $"api/v2/silence/{id}")))!;
}
