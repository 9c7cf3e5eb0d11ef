using System.Net;
using System.Text;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Notify;

public sealed class RecordingHttpSinkTests
{
    [Fact]
    public async Task Records_requests_and_answers_each_path_by_its_script()
    {
        using var sink = RecordingHttpSink.Start();
        sink.Script("/hook", [500, 503, 200], "try again");
        using var http = new HttpClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var content = new StringContent($"{{\"n\":{i}}}", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(sink.Url("hook"), content);
            statuses.Add(response.StatusCode);
        }

        using (var other = await http.GetAsync(sink.Url("/other?x=1")))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        var hook = sink.RequestsTo("/hook");
        Assert.Equal(4, hook.Count);
        Assert.Equal(["{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}"], hook.Select(r => r.BodyText));
        Assert.Equal([500, 503, 200, 200], hook.Select(r => r.AnsweredStatus));
        Assert.All(hook, r => Assert.Equal("POST", r.Method));
        Assert.StartsWith("application/json", hook[0].Header("Content-Type"));
        Assert.True(hook.Zip(hook.Skip(1)).All(p => p.First.ArrivedAt <= p.Second.ArrivedAt && p.First.Sequence < p.Second.Sequence));
        var last = sink.Requests[^1];
        Assert.Equal(("GET", "/other", "?x=1"), (last.Method, last.Path, last.Query));
        var waited = await sink.WaitForAsync(r => r.Path == "/hook", 4, TimeSpan.FromSeconds(1));
        Assert.Equal(4, waited.Count);
        await Assert.ThrowsAsync<TimeoutException>(() => sink.WaitForAsync(r => r.Path == "/none", 1, TimeSpan.FromMilliseconds(200)));
    }
}
