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
    private readonly HttpListener _listener;
    private readonly Func<RecordedRequest, RecordedResponse> _respond;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _loop;

    private RecordingHttpServer(HttpListener listener, int port, Func<RecordedRequest, RecordedResponse> respond)
    {
        _listener = listener;
        _respond = respond;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseUri { get; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public static RecordingHttpServer Start(Func<RecordedRequest, RecordedResponse>? respond = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Get();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new RecordingHttpServer(listener, port, respond ?? (_ => new RecordedResponse(204)));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The port was taken between finding and binding it: try another.
                ((IDisposable)listener).Dispose();
            }
        }
    }

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
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener's disposal exception.
        }

        _arrived.Dispose();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

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
                var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                await context.Response.OutputStream.WriteAsync(bytes);
            }

            context.Response.Close();
        }
    }
}
