using System.Net.Http.Headers;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Scraping;

namespace Serverless.Monitoring.Core.Notifier;

/// <summary>
/// The Alertmanagers of one <c>alerting.alertmanagers</c> entry: discovered from its static, file and
/// HTTP service discovery, with one HTTP client (its TLS settings) and its credentials, timeout and
/// per-set <c>alert_relabel_configs</c>.
/// </summary>
public sealed class AlertmanagerSet : IAsyncDisposable
{
    private readonly List<FileSdWatcher> _files = [];
    private readonly List<HttpSdWatcher> _https = [];
    private readonly HttpClient _client;
    private readonly Action<string>? _log;
    private readonly Lock _gate = new();
    private IReadOnlyList<Uri> _active = [];
    private IReadOnlyList<Uri> _dropped = [];

    public AlertmanagerSet(AlertmanagerConfig config, Action<string>? log = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _log = log;
        _client = new HttpClient(handler ?? HttpScraper.CreateHandler(config.Http.Tls), disposeHandler: handler is null) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public AlertmanagerConfig Config { get; }

    public IReadOnlyList<Uri> Active
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    public IReadOnlyList<Uri> Dropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    /// <summary>Starts discovery (file and HTTP SD keep the set current as they change).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var file in Config.FileSdConfigs)
        {
            var watcher = new FileSdWatcher(file);
            watcher.Changed += _ => Rebuild();
            _files.Add(watcher);
            await watcher.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var http in Config.HttpSdConfigs)
        {
            var watcher = new HttpSdWatcher(http);
            watcher.Changed += _ => Rebuild();
            _https.Add(watcher);
            await watcher.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        Rebuild();
    }

    /// <summary>Posts one payload to one Alertmanager; any 2xx is success, as upstream.</summary>
    /// <returns>Null on success, else the reason.</returns>
    public async Task<string?> PostAsync(Uri url, byte[] payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Config.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in TargetBuilder.AuthHeaders(Config.Http))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return (int)response.StatusCode / 100 == 2 ? null : $"bad response status {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"context deadline exceeded (timeout {Config.Timeout.TotalSeconds:0.###}s)";
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
    }

    private void Rebuild()
    {
        var active = new List<Uri>();
        var dropped = new List<Uri>();
        var groups = Config.StaticConfigs.Concat(_files.SelectMany(w => w.Current)).Concat(_https.SelectMany(w => w.Current));
        foreach (var group in groups)
        {
            var (a, d, errors) = AlertmanagerTargets.FromGroup(group, Config);
            active.AddRange(a);
            dropped.AddRange(d);
            foreach (var error in errors)
            {
                _log?.Invoke(error);
            }
        }

        lock (_gate)
        {
            // Two groups naming the same Alertmanager post to it once.
            _active = active.DistinctBy(u => u.AbsoluteUri).ToList();
            _dropped = dropped.DistinctBy(u => u.AbsoluteUri).ToList();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var watcher in _files)
        {
            await watcher.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var watcher in _https)
        {
            await watcher.DisposeAsync().ConfigureAwait(false);
        }

        _client.Dispose();
    }
}
