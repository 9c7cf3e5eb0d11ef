namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>Releases the host's hold on <see cref="ReadinessState"/> once the application has started, in either host.</summary>
internal sealed class ReadinessOnStart(ReadinessState readiness, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(readiness.MarkHostStarted);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
