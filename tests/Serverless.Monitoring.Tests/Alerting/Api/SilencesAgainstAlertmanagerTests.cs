using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Tests.Alerting.Config;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Api;

/// <summary>
/// The silences API v2 against a real Alertmanager 0.25: the same amtool session (add, query with
/// and without filters, update, expire) and the same HTTP requests go to both, and the transcripts
/// must be equal once silence IDs are numbered by first appearance and the wall-clock times replaced
/// (times in 2030, which the session sets, stay). Malformed silences must get the same status,
/// content type and body from both, and ours must store nothing.
/// </summary>
public sealed partial class SilencesAgainstAlertmanagerTests
{
    private const string Start2030 = "--start=2030-01-01T00:00:00Z";

    [Fact]
    public async Task An_amtool_session_and_the_api_bodies_equal_Alertmanagers()
    {
        using var alertmanager = await AlertmanagerFixture.StartAsync();
        await using var ours = await AlertmanagerStateApiHost.StartAsync(TimeProvider.System);

        var theirs = await SessionAsync(alertmanager.BaseUri);
        var mine = await SessionAsync(ours.BaseUri);

        Assert.Equal(theirs, mine);
        // The session did what it says on both sides (so the comparison is not between two failures).
        Assert.Matches("ID1 +alertname=\"X\"", mine);
        Assert.Contains("\"state\":\"expired\"", mine, StringComparison.Ordinal);
        Assert.Contains("2030-01-01T12:00:00.000Z", mine, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> MalformedSilences => new()
    {
        { "no matchers", "application/json", Body("[]", "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z") },
        { "matchers null", "application/json", Body("null", "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z") },
        { "end before start", "application/json", Body(Matcher("a", "b", false), "2099-01-02T00:00:00Z", "2099-01-01T00:00:00Z") },
        { "end equals start", "application/json", Body(Matcher("a", "b", false), "2099-01-01T00:00:00Z", "2099-01-01T00:00:00Z") },
        { "end in the past", "application/json", Body(Matcher("a", "b", false), "2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z") },
        { "bad regex", "application/json", Body(Matcher("a", "(", true), "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z") },
        { "bad label name", "application/json", Body(Matcher("a b", "x", false), "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z") },
        { "only empty matchers", "application/json", Body(Matcher("a", "", false), "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z") },
        { "missing createdBy", "application/json", """{"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":"2026-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","comment":"c"}""" },
        { "empty object", "application/json", "{}" },
        { "matcher without isRegex", "application/json", Body("""[{"value":"b"}]""", "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z") },
        { "truncated JSON", "application/json", """{"matchers":[{"name":"a","value":"b","isRegex":false}""" },
        { "an array", "application/json", "[]" },
        { "isRegex a string", "application/json", Body("""[{"name":"a","value":"b","isRegex":"x"}]""", "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z") },
        { "comment a number", "application/json", """{"comment":1,"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":"2026-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"a"}""" },
        { "start not a time", "application/json", Body(Matcher("a", "b", false), "yesterday", "2099-01-01T00:00:00Z") },
        { "unknown ID", "application/json", """{"id":"00000000-0000-0000-0000-000000000000",""" + Body(Matcher("a", "b", false), "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z")[1..] },
        { "empty body", "application/json", "" },
        { "not JSON's media type", "text/plain", Body(Matcher("a", "b", false), "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z") },
    };

    [Theory]
    [MemberData(nameof(MalformedSilences))]
    public async Task A_malformed_silence_gets_Alertmanagers_answer_and_nothing_is_stored(string what, string mediaType, string body)
    {
        using var alertmanager = await AlertmanagerFixture.StartAsync();
        await using var ours = await AlertmanagerStateApiHost.StartAsync(TimeProvider.System);
        using var http = new HttpClient();

        var theirs = await PostAsync(http, alertmanager.BaseUri, mediaType, body);
        var mine = await PostAsync(http, ours.BaseUri, mediaType, body);

        Assert.True(theirs.Status >= 400, $"{what}: Alertmanager accepted it: {theirs}");
        Assert.Equal(theirs.ToString(), mine.ToString());
        Assert.Empty(ours.Silences!.Query());
    }

    /// <summary>The amtool commands and HTTP requests of the session, with their outputs, normalized.</summary>
    private static async Task<string> SessionAsync(Uri baseUri)
    {
        var transcript = new StringBuilder();
        using var http = new HttpClient();
        async Task<string> Amtool(params string[] arguments)
        {
            var result = await Config.Amtool.RunAsync([.. arguments, "--alertmanager.url=" + baseUri, "--no-version-check"]);
            transcript.Append("$ amtool ").AppendJoin(' ', arguments).Append($"\nexit {result.ExitCode}\n").Append(result.StandardOutput).Append(result.StandardError);
            return result.StandardOutput.Trim();
        }

        async Task Http(HttpMethod method, string path)
        {
            using var response = await http.SendAsync(new HttpRequestMessage(method, new Uri(baseUri, path)));
            transcript.Append($"{method} {path}\n{(int)response.StatusCode} {response.Content.Headers.ContentType}\n")
                .Append(await response.Content.ReadAsStringAsync()).Append('\n');
        }

        var x = await Amtool("silence", "add", "alertname=X", "--comment=c", "--author=a", "--duration=1h");
        var y = await Amtool("silence", "add", "alertname=~\"Y.*\"", "severity!=page", "--comment=two <words> & more", "--author=b", "--duration=2h");
        var z = await Amtool("silence", "add", "alertname=Z", "--comment=c", "--author=a", Start2030, "--end=2030-01-02T00:00:00Z");
        await Amtool("silence", "query");
        await Amtool("silence", "query", "-q");
        await Amtool("silence", "query", "alertname=X");
        await Amtool("silence", "query", "alertname=~\"Y.*\"");
        await Amtool("silence", "query", "alertname=~Y");
        await Amtool("silence", "query", "-o", "json");
        await Http(HttpMethod.Get, "api/v2/silences?filter=" + Uri.EscapeDataString("severity!=\"page\""));
        await Http(HttpMethod.Get, "api/v2/silences?filter=" + Uri.EscapeDataString("alertname=~\"Y.*"));

        // In place: an active one keeps its start; a pending one moves to a later start.
        await Amtool("silence", "update", y, "--duration=3h");
        await Amtool("silence", "update", z, "--start=2030-01-01T12:00:00Z", "--end=2030-01-02T00:00:00Z");
        await Amtool("silence", "query");

        await Amtool("silence", "expire", x);
        await Http(HttpMethod.Delete, "api/v2/silence/" + x);
        await Amtool("silence", "expire", "00000000-0000-0000-0000-000000000000");
        await Amtool("silence", "query", "--expired");

        // Updating an expired one issues a new silence.
        await Amtool("silence", "update", x, "--duration=1h");
        await Http(HttpMethod.Get, "api/v2/silences");
        await Http(HttpMethod.Get, "api/v2/silence/" + z);
        await Http(HttpMethod.Get, "api/v2/silence/00000000-0000-0000-0000-000000000000");
        await Http(HttpMethod.Get, "api/v2/silence/nope");
        await Http(HttpMethod.Delete, "api/v2/silence/nope");
        return Normalize(transcript.ToString(), baseUri);
    }

    private static async Task<(int Status, string? ContentType, string Body)> PostAsync(HttpClient http, Uri baseUri, string mediaType, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.PostAsync(new Uri(baseUri, "api/v2/silences"), content);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static string Body(string matchers, string startsAt, string endsAt) =>
        $$"""{"matchers":{{matchers}},"startsAt":"{{startsAt}}","endsAt":"{{endsAt}}","createdBy":"a","comment":"c"}""";

    private static string Matcher(string name, string value, bool isRegex) =>
        $$"""[{"name":"{{name}}","value":"{{value}}","isRegex":{{(isRegex ? "true" : "false")}}}]""";

    /// <summary>IDs numbered by first appearance; wall-clock times (not 2030's) replaced; the base URL removed.</summary>
    private static string Normalize(string transcript, Uri baseUri)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = Uuid().Replace(transcript, m =>
            m.Value == "00000000-0000-0000-0000-000000000000" ? m.Value
            : ids.TryGetValue(m.Value, out var n) ? n
            : ids[m.Value] = "ID" + (ids.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        text = WallTime().Replace(text, "<time>");
        return text.Replace(baseUri.ToString(), "<url>/", StringComparison.Ordinal);
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();

    [GeneratedRegex(@"(?!2030)\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})| \d{2}:\d{2}:\d{2} UTC)")]
    private static partial Regex WallTime();
}
