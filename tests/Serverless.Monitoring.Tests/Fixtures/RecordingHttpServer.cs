using System.Collections.Concurrent;
using System.Net;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>One request seen by <see cref="RecordingHttpServer"/>.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What <see cref="RecordingHttpServer"/> answers.</summary>
public sealed record RecordedResponse(int Status, IReadOnlyDictionary<string, string>? Headers = null, string? Body = null);

/// <summary>
/// A tiny HTTP server on a free 127.0.0.1 port (HttpListener) that records every request and
/// answers what the test's responder says (204 by default): a stand-in for a remote-write
/// receiver or the Event Hubs REST endpoint.
/// </summary>
public sealed class RecordingHttpServer : IDisposable
{
    private readonly Func<RecordedRequest, RecordedResponse> _respond;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly LoopbackHttpServer _server;

    private RecordingHttpServer(Func<RecordedRequest, RecordedResponse> respond)
    {
        _respond = respond;
        _server = new LoopbackHttpServer(AnswerAsync, sequential: true);
        BaseUri = _server.Url();
    }

    public Uri BaseUri { get; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public static RecordingHttpServer Start(Func<RecordedRequest, RecordedResponse>? respond = null) =>
        new(respond ?? (_ => new RecordedResponse(204)));

    /// <summary>Waits until a recorded request satisfies <paramref name="predicate"/>, or throws after <paramref name="timeout"/>.</summary>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> predicate, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var seen = 0;
        while (true)
        {
            var all = _requests.ToArray();
            for (; seen < all.Length; seen++)
            {
                if (predicate(all[seen]))
                {
                    return all[seen];
                }
            }

            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no matching request within {timeout} ({all.Length} requests seen)");
            }
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        _arrived.Dispose();
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
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

        var request = new RecordedRequest(context.Request.HttpMethod, context.Request.Url?.PathAndQuery ?? "/", headers, body.ToArray());
        var response = _respond(request);
        _requests.Enqueue(request);
        _arrived.Release();
        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (response.Body is { } text)
        {
            await context.Response.OutputStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text));
        }
    }
}
