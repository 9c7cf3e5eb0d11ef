using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>One request a <see cref="RecordingHttpSink"/> received: when, what, and the status it was answered with.</summary>
public sealed record SinkRequest(
    int Sequence,
    DateTimeOffset ArrivedAt,
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    int AnsweredStatus)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A notification receiver for tests: an HTTP server on a free 127.0.0.1 port that records every
/// request (arrival time, method, path, headers, body) and answers each path with a scripted
/// sequence of statuses (e.g. 500 then 200; the last status repeats), 200 for paths without a
/// script. Stands in for webhook, Slack, PagerDuty and Teams endpoints in scenario tests, for a
/// real Alertmanager and for ours alike.
/// </summary>
public sealed class RecordingHttpSink : IDisposable
{
    private readonly ConcurrentQueue<SinkRequest> _requests = new();
    private readonly ConcurrentDictionary<string, StatusScript> _scripts = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly LoopbackHttpServer _server;
    private int _sequence;

    private RecordingHttpSink()
    {
        // Sequential: requests are recorded and answered in arrival order.
        _server = new LoopbackHttpServer(AnswerAsync, sequential: true);
    }

    public int Port => _server.Port;

    /// <summary><c>http://127.0.0.1:port/</c></summary>
    public Uri BaseUri => _server.Url();

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<SinkRequest> Requests => _requests.ToArray();

    public static RecordingHttpSink Start() => new();

    /// <summary>The absolute URL of <paramref name="path"/> on this sink.</summary>
    public Uri Url(string path) => _server.Url(path.StartsWith('/') ? path : "/" + path);

    /// <summary>
    /// Answers requests to <paramref name="path"/> with <paramref name="statuses"/> in turn, the last
    /// one from then on, with <paramref name="body"/> as the response body.
    /// </summary>
    public void Script(string path, IReadOnlyList<int> statuses, string body = "")
    {
        ArgumentOutOfRangeException.ThrowIfZero(statuses.Count);
        _scripts[Normalize(path)] = new StatusScript(statuses.ToArray(), body);
    }

    /// <summary>The requests to <paramref name="path"/>, in arrival order.</summary>
    public IReadOnlyList<SinkRequest> RequestsTo(string path)
    {
        var p = Normalize(path);
        return Requests.Where(r => r.Path == p).ToArray();
    }

    /// <summary>Waits until <paramref name="count"/> requests satisfy <paramref name="predicate"/>; throws after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<SinkRequest>> WaitForAsync(Func<SinkRequest, bool> predicate, int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (true)
        {
            var matching = Requests.Where(predicate).ToArray();
            if (matching.Length >= count)
            {
                return matching;
            }

            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"{matching.Length} of {count} matching requests within {timeout} ({Requests.Count} requests seen: {string.Join(", ", Requests.Select(r => r.Path))})");
            }
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        _arrived.Dispose();
    }

    private static string Normalize(string path) => path.StartsWith('/') ? path : "/" + path;

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var arrivedAt = DateTimeOffset.UtcNow;
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in context.Request.Headers.AllKeys)
        {
            if (key is not null)
            {
                headers[key] = context.Request.Headers[key] ?? string.Empty;
            }
        }

        var path = context.Request.Url?.AbsolutePath ?? "/";
        var (status, responseBody) = _scripts.TryGetValue(path, out var script) ? script.Next() : (200, "");
        var request = new SinkRequest(
            Interlocked.Increment(ref _sequence), arrivedAt, context.Request.HttpMethod, path,
            context.Request.Url?.Query ?? "", headers, body.ToArray(), status);
        _requests.Enqueue(request);
        _arrived.Release();
        context.Response.StatusCode = status;
        if (responseBody.Length > 0)
        {
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(responseBody));
        }
    }

    private sealed class StatusScript(int[] statuses, string body)
    {
        private int _next;

        public (int Status, string Body) Next()
        {
            var i = Interlocked.Increment(ref _next) - 1;
            return (statuses[Math.Min(i, statuses.Length - 1)], body);
        }
    }
}
