using System.Globalization;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Scraping;

namespace Serverless.Monitoring.Core.Discovery;

/// <summary>
/// Keeps the target groups of one <see cref="HttpSdConfig"/> current, as Prometheus's HTTP SD:
/// GET the URL every refresh interval; a 200 with <c>application/json</c> holding a list of
/// target groups replaces them (each labelled <c>__meta_url</c>); anything else keeps the
/// previous groups and is reported in <see cref="LastError"/>.
/// </summary>
public sealed class HttpSdWatcher : IAsyncDisposable
{
    public const string UrlLabel = "__meta_url";

    private readonly HttpSdConfig _config;
    private readonly HttpClient _client;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private IReadOnlyList<TargetGroup> _current = [];
    private Task? _loop;

    public HttpSdWatcher(HttpSdConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _client = new HttpClient(HttpScraper.CreateHandler(config.Http.Tls)) { Timeout = TimeSpan.FromSeconds(30) };
        _headers = TargetBuilder.AuthHeaders(config.Http);
    }

    /// <summary>Raised after a refresh that changed the groups, with all of them.</summary>
    public event Action<IReadOnlyList<TargetGroup>>? Changed;

    public IReadOnlyList<TargetGroup> Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Why the latest refresh failed, or null.</summary>
    public string? LastError { get; private set; }

    /// <summary>Fetches once, then keeps refreshing in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await RefreshAsync(cancellationToken);
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Fetches the URL now.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var url = _config.Url.AbsoluteUri;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _config.Url);
            request.Headers.TryAddWithoutValidation("X-Prometheus-Refresh-Interval-Seconds", _config.RefreshInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture));
            foreach (var (name, value) in _headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await _client.SendAsync(request, cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                LastError = $"server returned HTTP status {(int)response.StatusCode} {response.ReasonPhrase}";
                return;
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
            {
                LastError = $"unsupported content type \"{response.Content.Headers.ContentType}\"";
                return;
            }

            var groups = FileSdReader.ParseJson(await response.Content.ReadAsStringAsync(cancellationToken), url)
                .Select((g, i) => g with { Labels = g.Labels.Without(FileSdReader.FilePathLabel).With(UrlLabel, url), Source = $"{url}:{i}" })
                .ToList();
            LastError = null;
            bool changed;
            lock (_gate)
            {
                changed = !_current.SequenceEqual(groups, GroupComparer.Instance);
                _current = groups;
            }

            if (changed)
            {
                Changed?.Invoke(groups);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or ConfigException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LastError = ex.Message;
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_config.RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await RefreshAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
        _client.Dispose();
    }

    private sealed class GroupComparer : IEqualityComparer<TargetGroup>
    {
        public static readonly GroupComparer Instance = new();

        public bool Equals(TargetGroup? x, TargetGroup? y) =>
            x is not null && y is not null && x.Labels == y.Labels && x.Targets.SequenceEqual(y.Targets);

        public int GetHashCode(TargetGroup obj) => obj.Labels.GetHashCode();
    }
}
