using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Monitoring.Core.Alerting.Escalation;
using Serverless.Monitoring.Core.Alerting.Silences;
using Serverless.Monitoring.Functions.Api;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Storage.Blocks;

namespace Serverless.Monitoring.Tests.Alerting.Api;

/// <summary>
/// The silences and escalations endpoints as the app maps them, in a Kestrel server on a free
/// loopback port (so amtool can talk to it), over one <see cref="SilenceStore"/> and one
/// <see cref="EscalationRegistry"/> (on an in-memory blob store) registered as the router registers them.
/// </summary>
internal sealed class AlertmanagerStateApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AlertmanagerStateApiHost(WebApplication app, int port, SilenceStore? silences, EscalationRegistry? escalations)
    {
        _app = app;
        BaseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        Silences = silences;
        Escalations = escalations;
    }

    public Uri BaseUri { get; }

    public SilenceStore? Silences { get; }

    public EscalationRegistry? Escalations { get; }

    /// <summary>A host with the router's stores; <paramref name="routerOn"/> false registers neither (the router is off).</summary>
    public static async Task<AlertmanagerStateApiHost> StartAsync(TimeProvider time, EscalationStepper? stepper = null, bool routerOn = true)
    {
        var port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(BaseAddress(port));
        builder.Logging.ClearProviders();
        SilenceStore? silences = null;
        EscalationRegistry? escalations = null;
        if (routerOn)
        {
            silences = new SilenceStore(time);
            escalations = new EscalationRegistry(
                stepper ?? new EscalationStepper(_ => null, NoNotifier.Instance, NullLogger<EscalationStepper>.Instance),
                new InMemoryBlobStore(),
                time,
                NullLogger<EscalationRegistry>.Instance);
            builder.Services.AddSingleton(silences);
            builder.Services.AddSingleton(escalations);
        }

        builder.Services.AddSingleton(time);
        builder.Services.AddRouting();
        var app = builder.Build();
        app.MapAlertmanagerStateEndpoints();
        await app.StartAsync();
        return new AlertmanagerStateApiHost(app, port, silences, escalations);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Escalations?.Dispose();
    }

    private static string BaseAddress(int port) => $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

    private sealed class NoNotifier : IEscalationNotifier
    {
        public static readonly NoNotifier Instance = new();

        public Task NotifyAsync(EscalationState escalation, EscalationStep reached, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
