using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Rules;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Scraping;

/// <summary>
/// The running <c>prometheus.yml</c> and its rule files: loaded at start (an error in either stops
/// the host, naming file, line and field), reloaded on <c>POST /-/reload</c> and SIGHUP. A reload
/// that fails keeps the running config and rules and says why, as Prometheus does.
/// </summary>
internal sealed class PrometheusConfigSource : IPrometheusConfigSource, IDisposable
{
    private readonly ScrapeOptions _options;
    private readonly ILogger<PrometheusConfigSource> _logger;
    private readonly Lock _gate = new();
    private PosixSignalRegistration? _sighup;
    private PrometheusConfig? _current;
    private IReadOnlyList<RuleFile> _rules = [];
    private readonly IReadOnlyList<IConfigReloadParticipant> _participants;

    public PrometheusConfigSource(IOptions<ScrapeOptions> options, ILogger<PrometheusConfigSource> logger, IEnumerable<IConfigReloadParticipant>? participants = null)
    {
        _options = options.Value;
        _logger = logger;
        _participants = participants?.ToList() ?? [];
    }

    /// <summary>Raised after the config was (re)loaded successfully.</summary>
    public event Action<PrometheusConfig>? Changed;

    /// <summary>
    /// The configured file; for the default name, when the working directory has none, the
    /// sample shipped with the app (scraping itself and a local node_exporter).
    /// </summary>
    public string Path
    {
        get
        {
            var path = System.IO.Path.GetFullPath(_options.ConfigFile);
            if (File.Exists(path) || _options.ConfigFile != new ScrapeOptions().ConfigFile)
            {
                return path;
            }

            var sample = System.IO.Path.Combine(AppContext.BaseDirectory, _options.ConfigFile);
            return File.Exists(sample) ? sample : path;
        }
    }

    public PrometheusConfig Current => _current ?? throw new InvalidOperationException("The configuration is not loaded yet.");

    /// <summary>The rule files of <see cref="Current"/>, checked when it was loaded.</summary>
    public IReadOnlyList<RuleFile> CurrentRules => _rules;

    public bool LastReloadSuccessful { get; private set; } = true;

    public DateTimeOffset LastReload { get; private set; }

    /// <summary>
    /// Loads the config at start. A missing file at the default path runs with an empty config
    /// (nothing to scrape) and a warning; any other problem throws <see cref="ConfigException"/>.
    /// </summary>
    public PrometheusConfig LoadInitial()
    {
        if (_current is { } loaded)
        {
            return loaded;
        }

        if (!File.Exists(Path) && _options.ConfigFile == new ScrapeOptions().ConfigFile)
        {
            _logger.LogWarning("No {File} in {Directory}: nothing is scraped until one is written and reloaded.", _options.ConfigFile, Directory.GetCurrentDirectory());
            Set(PrometheusConfig.Default, []);
        }
        else
        {
            var config = PrometheusConfig.LoadFile(Path);
            Set(config, RuleFiles.Load(config));
            _logger.LogInformation("Loaded configuration file {File}", Path);
        }

        _sighup = HangupSignal.Register(context =>
        {
            context.Cancel = true;
            Reload();
        });

        return Current;
    }

    /// <summary>Reloads the file; returns null on success, else the reason (the running config stays).</summary>
    public string? Reload()
    {
        try
        {
            var config = PrometheusConfig.LoadFile(Path);
            var rules = RuleFiles.Load(config);

            // The files reloaded with this one (alertmanager.yml): a broken one fails the reload and nothing is applied.
            foreach (var participant in _participants)
            {
                if (participant.Reload() is { } error)
                {
                    LastReloadSuccessful = false;
                    LastReload = DateTimeOffset.UtcNow;
                    return error;
                }
            }

            Set(config, rules);
            _logger.LogInformation("Completed loading of configuration file {File}", Path);
            return null;
        }
        catch (Exception ex) when (ex is ConfigException or RuleFileException)
        {
            LastReloadSuccessful = false;
            LastReload = DateTimeOffset.UtcNow;
            _logger.LogError("Error reloading config: {Reason}", ex.Message);
            return ex.Message;
        }
    }

    private void Set(PrometheusConfig config, IReadOnlyList<RuleFile> rules)
    {
        lock (_gate)
        {
            _current = config;
            _rules = rules;
            LastReloadSuccessful = true;
            LastReload = DateTimeOffset.UtcNow;
        }

        Changed?.Invoke(config);
    }

    public void Dispose() => _sighup?.Dispose();
}
