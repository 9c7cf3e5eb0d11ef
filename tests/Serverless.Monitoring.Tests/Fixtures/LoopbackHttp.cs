namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>HTTP clients for talking to services on loopback: never through a proxy.</summary>
public static class LoopbackHttp
{
    public static HttpClient CreateClient(TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
    }
}
