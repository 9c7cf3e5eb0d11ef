using System.Collections.Concurrent;
using System.Net;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// A loopback HTTP server on a free port that answers every request with a handler of the
/// test's (an exporter, a webhook receiver); requests' headers are kept for assertions. The
/// one accept loop of the test servers (<see cref="RecordingHttpServer"/> and the Azure
/// Storage fake build on it).
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handler;
    private readonly Task _loop;
    private readonly bool _sequential;

    /// <param name="handler">Answers one request; the response is closed after it returns.</param>
    /// <param name="sequential">Handle one request at a time, in arrival order (recording fakes); otherwise concurrently (exporters).</param>
    public LoopbackHttpServer(Func<HttpListenerContext, Task> handler, bool sequential = false)
    {
        _handler = handler;
        _sequential = sequential;
        for (var attempt = 0; ; attempt++)
        {
            Port = FreePort.Get();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // The port was taken between finding and binding it: try another. Closing the
                // failed listener binds the port again to remove its prefix, and fails the same way.
                try
                {
                    ((IDisposable)_listener).Dispose();
                }
                catch (HttpListenerException)
                {
                }

                _listener = new HttpListener();
            }
        }

        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; private set; }

    public Uri Url(string path = "/") => new($"http://127.0.0.1:{Port}{path}");

    /// <summary>The headers of each request received, in order.</summary>
    public ConcurrentQueue<WebHeaderCollection> RequestHeaders { get; } = new();

    public void Dispose()
    {
        if (!_listener.IsListening)
        {
            return;
        }

        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped mid-accept.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var handled = HandleAsync(context);
            if (_sequential)
            {
                await handled;
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        await Task.Yield();
        var headers = new WebHeaderCollection();
        headers.Add(context.Request.Headers);
        RequestHeaders.Enqueue(headers);
        try
        {
            await _handler(context);
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away (a scrape timeout).
        }
        finally
        {
            try
            {
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }
}
