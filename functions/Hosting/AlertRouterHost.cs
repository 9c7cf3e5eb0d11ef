using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.Router;
using Serverless.Monitoring.Core.Alerting.Silences;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// The alert router of a host, when <c>Alertmanager:ConfigFile</c> names an <c>alertmanager.yml</c>:
/// loaded at start (a broken file stops the host, naming file, line and field) with the state saved in
/// the <c>alertmanager</c> blob container, reloaded with <c>prometheus.yml</c>. Off, <see cref="Router"/>
/// is null and the <c>/api/v2</c> endpoints answer 404.
/// </summary>
internal sealed class AlertRouterHost(
    IOptions<AlertmanagerOptions> options,
    IOptions<WebOptions> web,
    IStorageProvider storage,
    AlertRouterParts parts,
    RouterMetrics metrics,
    TimeProvider time,
    ILogger<AlertRouterHost> logger) : IConfigReloadParticipant, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public bool Enabled => options.Value.Enabled;

    public string ConfigPath => Path.GetFullPath(options.Value.ConfigFile);

    /// <summary>The running router; null while off or before start.</summary>
    public AlertRouter? Router { get; private set; }

    /// <summary>When the process started serving the router (the status API's uptime).</summary>
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    /// <summary>The container the state lives in.</summary>
    public IBlobStore Store => storage.GetBlobStore(AlertRouter.Container);

    /// <summary>Raised once the router runs (the loop waits for it).</summary>
    public event Action<AlertRouter>? Started;

    /// <summary>Loads the file and the saved state; does nothing when off.</summary>
    /// <exception cref="ConfigException">The file is broken or names what the router cannot use.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled || Router is not null)
        {
            return;
        }

        var config = AlertmanagerConfiguration.LoadFile(ConfigPath);
        var router = await AlertRouter.CreateAsync(config, RouterOptions(), cancellationToken);
        try
        {
            if (await router.LoadAsync(Store, cancellationToken))
            {
                logger.LogInformation("Restored the alert router's state: {Alerts} alerts, {Groups} groups", router.Alerts.Count, router.Dispatcher.Groups().Count);
            }
        }
        catch (Exception ex) when (ex is StorageException or System.Text.Json.JsonException or IOException)
        {
            logger.LogError(ex, "Could not restore the alert router's state; starting empty");
        }

        Router = router;
        logger.LogInformation("Loaded Alertmanager configuration file {File}", ConfigPath);
        Started?.Invoke(router);
    }

    /// <summary>Reloads <c>alertmanager.yml</c>; null on success or when off, else the reason (the running config stays).</summary>
    public string? Reload()
    {
        if (Router is not { } router)
        {
            return null;
        }

        _gate.Wait();
        try
        {
            var config = AlertmanagerConfiguration.LoadFile(ConfigPath);
            router.ReloadAsync(config, CancellationToken.None).GetAwaiter().GetResult();
            logger.LogInformation("Completed loading of Alertmanager configuration file {File}", ConfigPath);
            return null;
        }
        catch (ConfigException ex)
        {
            logger.LogError("Error reloading Alertmanager config: {Reason}", ex.Message);
            return ex.Message;
        }
        finally
        {
            _gate.Release();
        }
    }

    // Disposed once per registration (it is also the IConfigReloadParticipant); the router's Dispose is idempotent.
    public void Dispose() => Router?.Dispose();

    private AlertRouterOptions RouterOptions() => new()
    {
        ExternalUrl = web.Value.ResolveExternalUrl,
        Time = time,
        Metrics = metrics,
        Logger = logger,
        Marker = parts.Marker,
        Silences = parts.Silences,
    };
}

/// <summary>
/// The router's state that other endpoints serve from DI (the silences API resolves
/// <see cref="SilenceStore"/>): one instance per host, given to the router when it starts.
/// </summary>
internal sealed class AlertRouterParts
{
    public AlertRouterParts(TimeProvider time) => Silences = new SilenceStore(time, SilenceStore.DefaultRetention, Marker);

    public AlertMarker Marker { get; } = new();

    public SilenceStore Silences { get; }
}
