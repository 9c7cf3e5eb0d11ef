using System.Buffers;
using System.Globalization;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>
/// A queue as a folder with one file per message ("&lt;16-hex sequence&gt;-&lt;guid&gt;.msg", the
/// sequence giving insertion order). The delivery state of all messages is indexed in memory
/// (loaded from the files on first use) under one async lock per queue, so this process must be
/// the only user of the queue's folder (the embedded host is).
/// </summary>
public sealed class LocalDiskMessageQueue : IMessageQueue
{
    /// <summary>As the Azure adapter: 48 KiB, whose base64 fits Azure's 64 KiB message limit.</summary>
    public const int MaxBodyBytes = 48 * 1024;

    private const int MaxReceiveCount = 32;
    private const string MessageFileSuffix = ".msg";
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(7);
    private static readonly SearchValues<char> LowerHexDigits = SearchValues.Create("0123456789abcdef");

    private readonly LocalDiskStorageProvider _provider;
    private readonly QueueOptions _options;
    private readonly State _state;
    private readonly TimeProvider _timeProvider;

    internal LocalDiskMessageQueue(LocalDiskStorageProvider provider, string queueName, QueueOptions options, State state, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDeliveryCount, 1);
        _provider = provider;
        QueueName = queueName;
        _options = options;
        _state = state;
        _timeProvider = timeProvider;
    }

    public string QueueName { get; }

    public int MaxMessageBytes => MaxBodyBytes;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            Directory.CreateDirectory(_state.Directory);
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"create queue '{QueueName}'", ex);
        }

        LocalDiskFiles.DeleteStaleTempFiles(_state.TempDirectory);
        return Task.CompletedTask;
    }

    public async Task<string> SendAsync(ReadOnlyMemory<byte> body, TimeSpan? initialDelay = null, CancellationToken cancellationToken = default)
    {
        var delay = initialDelay ?? TimeSpan.Zero;
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(initialDelay));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delay, MaxTimeout, nameof(initialDelay));
        if (body.Length > MaxBodyBytes)
        {
            throw new StorageRequestException(
                $"Message of {body.Length} bytes is larger than the {MaxBodyBytes} bytes queue '{QueueName}' accepts.", "MessageTooLarge");
        }

        try
        {
            using (await _state.Lock.EnterAsync(cancellationToken))
            {
                var index = await LoadAsync(cancellationToken);
                var sequence = _state.NextSequence++;
                var id = sequence.ToString("x16", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N");
                var now = _timeProvider.GetUtcNow();
                var entry = new Entry(id, Path.Combine(_state.Directory, id + MessageFileSuffix))
                {
                    MessageState = new QueueMessageState(now, now + delay, 0, string.Empty),
                };
                await LocalDiskFiles.WriteAtomicallyAsync(
                    _state.TempDirectory, entry.Path, QueueMessageFile.Encode(entry.MessageState, body.Span), cancellationToken);
                index.Add(sequence, entry);
                return id;
            }
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"send to queue '{QueueName}'", ex);
        }
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxReceiveCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibilityTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(visibilityTimeout, MaxTimeout);
        var received = new List<QueueMessage>();
        try
        {
            using (await _state.Lock.EnterAsync(cancellationToken))
            {
                var index = await LoadAsync(cancellationToken);
                var now = _timeProvider.GetUtcNow();

                // From here on a cancellation would hide messages without returning them: ignore it.
                foreach (var (sequence, entry) in index.ToList())
                {
                    if (received.Count == maxMessages)
                    {
                        break;
                    }

                    if (entry.MessageState.NextVisibleOn > now)
                    {
                        continue;
                    }

                    byte[] file;
                    try
                    {
                        file = await File.ReadAllBytesAsync(entry.Path, CancellationToken.None);
                    }
                    catch (FileNotFoundException)
                    {
                        index.Remove(sequence); // removed behind our back
                        continue;
                    }

                    var body = file.AsMemory(QueueMessageFile.HeaderSize);
                    if (entry.MessageState.DequeueCount >= _options.MaxDeliveryCount)
                    {
                        // Poison first, then delete: a crash in between duplicates rather than loses.
                        var poison = _provider.GetQueue(QueueName + StorageNaming.PoisonQueueSuffix);
                        await poison.CreateIfNotExistsAsync(CancellationToken.None);
                        await poison.SendAsync(body, null, CancellationToken.None);
                        File.Delete(entry.Path);
                        index.Remove(sequence);
                        continue;
                    }

                    var state = entry.MessageState with
                    {
                        DequeueCount = entry.MessageState.DequeueCount + 1,
                        PopReceipt = Guid.NewGuid().ToString("N"),
                        NextVisibleOn = now + visibilityTimeout,
                    };
                    await LocalDiskFiles.WriteAtomicallyAsync(
                        _state.TempDirectory, entry.Path, QueueMessageFile.Encode(state, body.Span), CancellationToken.None);
                    entry.MessageState = state;
                    received.Add(new QueueMessage(entry.Id, state.PopReceipt, body, state.DequeueCount, state.InsertedOn));
                }
            }
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"receive from queue '{QueueName}'", ex);
        }

        return received;
    }

    public async Task<bool> AckAsync(QueueMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!TryParseSequence(message.Id, out var sequence) || message.PopReceipt.Length == 0)
        {
            return false;
        }

        try
        {
            using (await _state.Lock.EnterAsync(cancellationToken))
            {
                if (!Directory.Exists(_state.Directory))
                {
                    return false;
                }

                var index = await LoadAsync(cancellationToken);
                if (!index.TryGetValue(sequence, out var entry) || entry.Id != message.Id
                    || entry.MessageState.PopReceipt != message.PopReceipt)
                {
                    return false;
                }

                File.Delete(entry.Path);
                index.Remove(sequence);
                return true;
            }
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"delete from queue '{QueueName}'", ex);
        }
    }

    /// <summary>Message IDs are "&lt;16 hex sequence&gt;-&lt;32 hex&gt;"; anything else is not ours (and must not become a path).</summary>
    private static bool TryParseSequence(string id, out long sequence)
    {
        sequence = 0;
        return id.Length == 49 && id[16] == '-'
            && !id.AsSpan(17).ContainsAnyExcept(LowerHexDigits)
            && long.TryParse(id.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out sequence);
    }

    /// <summary>The index of the queue's messages by sequence, read from the folder on first use.</summary>
    private async Task<SortedDictionary<long, Entry>> LoadAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_state.Directory))
        {
            throw new StorageNotFoundException($"Queue '{QueueName}' does not exist.", "QueueNotFound");
        }

        if (_state.Index is { } loaded)
        {
            return loaded;
        }

        LocalDiskFiles.DeleteStaleTempFiles(_state.TempDirectory);
        var index = new SortedDictionary<long, Entry>();
        var header = new byte[QueueMessageFile.HeaderSize];
        foreach (var path in Directory.EnumerateFiles(_state.Directory, "*" + MessageFileSuffix))
        {
            var id = Path.GetFileNameWithoutExtension(path);
            if (!TryParseSequence(id, out var sequence))
            {
                continue;
            }

            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            var read = await RandomAccess.ReadAsync(file, header, 0, cancellationToken);
            if (QueueMessageFile.DecodeState(header.AsSpan(0, read)) is { } state)
            {
                index[sequence] = new Entry(id, path) { MessageState = state };
            }
        }

        _state.NextSequence = index.Count == 0 ? 0 : index.Keys.Max() + 1;
        _state.Index = index;
        return index;
    }

    /// <summary>What all instances of one queue share: the lock and the message index.</summary>
    internal sealed class State(string directory)
    {
        public string Directory { get; } = directory;

        public string TempDirectory { get; } = Path.Combine(directory, LocalDiskFiles.TempDirectoryName);

        public AsyncLock Lock { get; } = new();

        public SortedDictionary<long, Entry>? Index { get; set; }

        public long NextSequence { get; set; }
    }

    internal sealed class Entry(string id, string path)
    {
        public string Id { get; } = id;

        public string Path { get; } = path;

        public required QueueMessageState MessageState { get; set; }
    }
}
