using System.Diagnostics;
using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// The web configuration file (<c>--web.config.file</c>, <c>Web:ConfigFile</c>). Loaded at start,
/// where any mistake stops the host; then, like upstream (which rereads it on every request),
/// reread when it or a certificate, key or CA file it names changes, checked at most once per
/// <see cref="CheckInterval"/>. A change that does not load is logged and the previous
/// configuration stays in force. Whether TLS is on is decided at start.
/// </summary>
internal sealed class WebConfigSource
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly string _path;
    private readonly ILogger<WebConfigSource> _logger;
    private readonly Lock _gate = new();
    private Loaded? _loaded;
    private long _nextCheck;
    private string? _lastFailure;
    private DateTime[] _failedStamps = [];
    private bool _initialLoadFailed;

    public WebConfigSource(IConfiguration configuration, ILogger<WebConfigSource> logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _path = configuration[$"{WebOptions.SectionName}:{nameof(WebOptions.ConfigFile)}"]?.Trim() ?? string.Empty;
        _logger = logger;
    }

    /// <summary>True when a file is configured.</summary>
    public bool IsConfigured => _path.Length > 0;

    /// <summary>The configuration in force (<see cref="WebConfig.Default"/> without a file); loads it on first use.</summary>
    public WebConfig Current
    {
        get
        {
            if (_loaded is null)
            {
                return LoadInitial();
            }

            var now = Stopwatch.GetTimestamp();
            if (now >= Interlocked.Read(ref _nextCheck))
            {
                Interlocked.Exchange(ref _nextCheck, now + (long)(CheckInterval.TotalSeconds * Stopwatch.Frequency));
                ReloadIfChanged();
            }

            return _loaded.Config;
        }
    }

    /// <summary>
    /// Loads the file (once); throws <see cref="ConfigException"/> naming file, line and field.
    /// </summary>
    public WebConfig LoadInitial()
    {
        lock (_gate)
        {
            if (_loaded is { } loaded)
            {
                return loaded.Config;
            }

            if (!IsConfigured)
            {
                _loaded = new Loaded(WebConfig.Default, []);
                return WebConfig.Default;
            }

            WebConfig config;
            try
            {
                config = WebConfig.LoadFile(_path);
            }
            catch (ConfigException)
            {
                _initialLoadFailed = true;
                throw;
            }

            // Kestrel may have been set up (without TLS) while the file was still broken; never
            // serve plain HTTP for a file that asks for TLS.
            if (_initialLoadFailed)
            {
                throw new ConfigException($"{_path}: the file changed while the server was starting; start it again.");
            }

            _loaded = new Loaded(config, Stamps(config.SourceFiles));
            _nextCheck = Stopwatch.GetTimestamp() + (long)(CheckInterval.TotalSeconds * Stopwatch.Frequency);
            _logger.LogInformation("Web configuration {File}: TLS {Tls}, {Users} basic-auth user(s)", _path, config.Tls is null ? "off" : "on", config.BasicAuthUsers.Count);
            return config;
        }
    }

    private void ReloadIfChanged()
    {
        lock (_gate)
        {
            var loaded = _loaded!;
            var stamps = Stamps(loaded.Config.SourceFiles);
            if (!IsConfigured || stamps.SequenceEqual(loaded.Stamps) || stamps.SequenceEqual(_failedStamps))
            {
                return;
            }

            try
            {
                var config = WebConfig.LoadFile(_path);
                _loaded = new Loaded(config, Stamps(config.SourceFiles));
                _lastFailure = null;
                _logger.LogInformation("Web configuration {File} reloaded: TLS {Tls}, {Users} basic-auth user(s)", _path, config.Tls is null ? "off" : "on", config.BasicAuthUsers.Count);
            }
            catch (ConfigException ex)
            {
                // The message names file, line and field, never a secret. Log each distinct failure once.
                _failedStamps = stamps;
                if (ex.Message != _lastFailure)
                {
                    _lastFailure = ex.Message;
                    _logger.LogError("Web configuration {File} not reloaded, the previous one stays in force: {Reason}", _path, ex.Message);
                }
            }
        }
    }

    private static DateTime[] Stamps(IReadOnlyList<string> files) =>
        [.. files.Select(f => File.Exists(f) ? File.GetLastWriteTimeUtc(f) : DateTime.MinValue)];

    private sealed record Loaded(WebConfig Config, DateTime[] Stamps);
}
