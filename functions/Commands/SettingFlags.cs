using Serverless.Monitoring.Functions.Api;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// Prometheus's flags that we honour, each mapped onto the configuration key that the options
/// classes bind (see <c>OptionsRegistration</c>); defaults live in those classes, not here, so a
/// flag that is absent leaves appsettings.json and the environment in force.
/// </summary>
internal static class SettingFlags
{
    /// <summary>New instances for one command tree (an option belongs to the commands it is added to).</summary>
    public static IReadOnlyList<SettingFlag> Create() =>
    [
        SettingFlag.Value("--config.file", Key(ScrapeOptions.SectionName, nameof(ScrapeOptions.ConfigFile)), "file",
            "Prometheus configuration file (default prometheus.yml in the working directory, else the sample beside the app)."),
        SettingFlag.Value("--web.listen-address", Key(WebOptions.SectionName, nameof(WebOptions.ListenAddress)), "host:port",
            $"Address to listen on for the API and telemetry (default {WebOptions.DefaultListenAddress})."),
        SettingFlag.Value("--web.config.file", Key(WebOptions.SectionName, nameof(WebOptions.ConfigFile)), "file",
            "Web configuration file that enables TLS, basic authentication and response headers."),
        SettingFlag.Switch("--web.enable-lifecycle", Key(WebOptions.SectionName, nameof(WebOptions.EnableLifecycle)),
            "Enable shutdown and reload via HTTP request (POST or PUT /-/quit and /-/reload)."),
        SettingFlag.Switch("--web.enable-remote-write-receiver", Key(WebOptions.SectionName, nameof(WebOptions.EnableRemoteWriteReceiver)),
            "Enable the remote-write receiver at /api/v1/write."),
        SettingFlag.Value("--web.external-url", Key(WebOptions.SectionName, nameof(WebOptions.ExternalUrl)), "URL",
            "The URL under which the server is reachable, for alerts' generatorURL (default http://<host name>:<port of the listen address>)."),
        SettingFlag.Value("--rules.alert.for-outage-tolerance", Key(RulesOptions.SectionName, nameof(RulesOptions.ForOutageTolerance)), "duration",
            "Max time to tolerate an outage for restoring the for state of alerts (default 1h)."),
        SettingFlag.Value("--rules.alert.for-grace-period", Key(RulesOptions.SectionName, nameof(RulesOptions.ForGracePeriod)), "duration",
            "Minimum duration between an alert and its restored for state; only for alerts with a for above it (default 10m)."),
        SettingFlag.Value("--rules.alert.resend-delay", Key(RulesOptions.SectionName, nameof(RulesOptions.ResendDelay)), "duration",
            "Minimum amount of time to wait before resending an alert to Alertmanager (default 1m)."),
        SettingFlag.Value("--alertmanager.config.file", Key(AlertmanagerOptions.SectionName, nameof(AlertmanagerOptions.ConfigFile)), "file",
            "Alertmanager configuration file: routes the alerts posted to /api/v2/alerts (default none: the router and /api/v2 are off)."),
        SettingFlag.Value("--storage.tsdb.path", Key(StorageOptions.SectionName, nameof(StorageOptions.LocalPath)), "dir",
            "Folder of the local-disk storage (default ./data).", everyCommand: true),
        SettingFlag.Value("--storage.tsdb.retention.time", Key(StorageOptions.SectionName, nameof(StorageOptions.RetentionTime)), "duration",
            "How long to keep samples (default 15d).", everyCommand: true),
        SettingFlag.Value("--storage.tsdb.retention.size", Key(StorageOptions.SectionName, nameof(StorageOptions.RetentionSize)), "size",
            "The most bytes of blocks to keep, oldest deleted first, e.g. 512MB (default 0: no limit).", everyCommand: true),
        SettingFlag.Value("--query.lookback-delta", Key(ApiQueryOptions.SectionName, "LookbackDelta"), "duration",
            "How far back an instant selector looks for a sample (default 5m)."),
        SettingFlag.Value("--query.timeout", Key(ApiQueryOptions.SectionName, "Timeout"), "duration",
            "Maximum time a query may take before it is aborted (default 2m)."),
        SettingFlag.Value("--query.max-samples", Key(ApiQueryOptions.SectionName, "MaxSamples"), "N",
            "Maximum number of samples a query may hold in memory (default 50000000)."),

        // The generic host's own switches, which WebApplicationFactory passes to the entry point.
        SettingFlag.Hidden("--environment", "environment"),
        SettingFlag.Hidden("--contentRoot", "contentRoot"),
        SettingFlag.Hidden("--applicationName", "applicationName"),
    ];

    private static string Key(string section, string key) => $"{section}:{key}";
}
