namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>The start of a private fixture: started, or disposed (process killed, files removed) when starting fails.</summary>
internal static class FixtureLifetime
{
    public static async Task<T> StartOrDisposeAsync<T>(T fixture, Func<CancellationToken, Task> start, CancellationToken cancellationToken)
        where T : IDisposable
    {
        try
        {
            await start(cancellationToken);
            return fixture;
        }
        catch
        {
            fixture.Dispose();
            throw;
        }
    }
}
