namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Whether the server is ready to serve (<c>/-/ready</c>). It starts not ready, held by the host
/// until the application has started; startup work that must finish first (opening storage,
/// loading rules) takes a <see cref="Hold"/> before the host starts and disposes it when done.
/// </summary>
internal sealed class ReadinessState
{
    private int _holds = 1;
    private int _hostStarted;

    public bool IsReady => Volatile.Read(ref _holds) == 0;

    /// <summary>Keeps the server not ready until the returned handle is disposed.</summary>
    public IDisposable Hold()
    {
        Interlocked.Increment(ref _holds);
        return new Release(this);
    }

    /// <summary>Releases the host's own hold; called once the application has started.</summary>
    public void MarkHostStarted()
    {
        if (Interlocked.Exchange(ref _hostStarted, 1) == 0)
        {
            Interlocked.Decrement(ref _holds);
        }
    }

    private sealed class Release(ReadinessState state) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref state._holds);
            }
        }
    }
}
