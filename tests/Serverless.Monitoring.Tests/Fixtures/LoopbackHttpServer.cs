using System.Collections.Concurrent;
using System.Net;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// A loopback HTTP server on a free port that answers every request with a handler of the
/// test's (an exporter, a webhook receiver); requests' headers are kept for assertions.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<HttpListenerContext, Task> _handler;
    private readonly Task _loop;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handler)
    {
        _handler = handler;
        Port = FreePort.Get();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

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

            _ = Task.Run(async () =>
            {
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
            });
        }
    }
}
