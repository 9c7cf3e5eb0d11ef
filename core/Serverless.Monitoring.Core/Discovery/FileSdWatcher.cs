using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Discovery;

/// <summary>
/// Keeps the target groups of one <see cref="FileSdConfig"/> current: re-reads the files when
/// a <see cref="FileSystemWatcher"/> reports a change in their directories, and every
/// <see cref="FileSdConfig.RefreshInterval"/> in case an event was missed (network file
/// systems, editors that replace files). As upstream, a file that fails to read keeps its
/// previous groups (see <see cref="Errors"/>); a file that is gone loses them.
/// </summary>
public sealed class FileSdWatcher : IAsyncDisposable
{
    // Editors write in several steps: wait for the burst to settle before reading.
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);

    private readonly FileSdConfig _config;
    private readonly bool _useFileSystemEvents;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private Dictionary<string, IReadOnlyList<TargetGroup>> _byFile = new(StringComparer.Ordinal);
    private Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private IReadOnlyList<TargetGroup> _current = [];
    private Task? _loop;

    /// <param name="config">The files to watch.</param>
    /// <param name="useFileSystemEvents">False to rely on the periodic refresh only (tests, or file systems without events).</param>
    public FileSdWatcher(FileSdConfig config, bool useFileSystemEvents = true)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _useFileSystemEvents = useFileSystemEvents;
    }

    /// <summary>Raised after a refresh that changed the groups, with all of them.</summary>
    public event Action<IReadOnlyList<TargetGroup>>? Changed;

    /// <summary>All groups from all matching files, ordered by file then position.</summary>
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

    /// <summary>The last read error of each file that currently fails, by path.</summary>
    public IReadOnlyDictionary<string, string> Errors
    {
        get
        {
            lock (_gate)
            {
                return _errors;
            }
        }
    }

    /// <summary>Reads the files once, then keeps watching until disposed.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The watcher is already started.");
        }

        if (_useFileSystemEvents)
        {
            foreach (var directory in _config.Files.Select(Path.GetDirectoryName).Distinct(StringComparer.Ordinal))
            {
                if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
                {
                    // Picked up by the periodic refresh once it exists (as upstream, which watches existing directories).
                    continue;
                }

                var watcher = new FileSystemWatcher(directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    IncludeSubdirectories = false,
                };
                watcher.Changed += OnFileEvent;
                watcher.Created += OnFileEvent;
                watcher.Deleted += OnFileEvent;
                watcher.Renamed += OnFileEvent;
                watcher.Error += (_, _) => _wake.Release();
                watcher.EnableRaisingEvents = true;
                _watchers.Add(watcher);
            }
        }

        await RefreshAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Re-reads every matching file now.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Refresh();
        }
        finally
        {
            _refreshing.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        _stop.Dispose();
        _wake.Dispose();
        _refreshing.Dispose();
    }

    private static bool SameGroups(IReadOnlyList<TargetGroup> a, TargetGroup[] b)
    {
        if (a.Count != b.Length)
        {
            return false;
        }

        for (var i = 0; i < b.Length; i++)
        {
            if (a[i].Source != b[i].Source || a[i].Labels != b[i].Labels || !a[i].Targets.SequenceEqual(b[i].Targets))
            {
                return false;
            }
        }

        return true;
    }

    private void Refresh()
    {
        var previous = _byFile;
        var byFile = new Dictionary<string, IReadOnlyList<TargetGroup>>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in FileSdReader.ListFiles(_config.Files))
        {
            try
            {
                byFile[file] = FileSdReader.ReadFile(file);
            }
            catch (Exception ex) when (ex is ConfigException or IOException or UnauthorizedAccessException)
            {
                errors[file] = ex.Message;
                if (previous.TryGetValue(file, out var kept))
                {
                    byFile[file] = kept;
                }
            }
        }

        var all = byFile.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value).ToArray();
        bool changed;
        lock (_gate)
        {
            changed = !SameGroups(_current, all);
            _byFile = byFile;
            _errors = errors;
            _current = all;
        }

        if (changed)
        {
            Changed?.Invoke(all);
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => _wake.Release();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // Either a file event or the refresh interval, whichever comes first.
            var woken = await _wake.WaitAsync(_config.RefreshInterval, cancellationToken).ConfigureAwait(false);
            if (woken)
            {
                await Task.Delay(Debounce, cancellationToken).ConfigureAwait(false);
                while (_wake.CurrentCount > 0 && _wake.Wait(0, CancellationToken.None))
                {
                    // Coalesce the burst into one refresh.
                }
            }

            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
