using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.IO.Hashing;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Hashing;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Core.Import;

/// <summary>
/// Imports an OpenMetrics file of any size into a <see cref="StorageEngine"/>, like
/// <c>promtool tsdb create-blocks-from openmetrics</c>: the file is streamed through the parser
/// (<see cref="ExpositionChunkReader"/>), samples are gathered per block window (the engine's
/// smallest block range) and stored as a <see cref="SampleBatch"/> whenever a window holds
/// <see cref="ImportOptions.MaxBatchSamples"/>, and at the end; then the blocks are compacted.
/// <para>
/// Batch IDs are derived from the file's content: a batch cut before the line at byte offset
/// <c>p</c> is named after the hash of bytes [0, p), <c>p</c>, its window and the batch size, so
/// it holds exactly the samples of that prefix and importing the same file again stores nothing
/// (every batch is a replay). Samples must carry timestamps, as promtool requires.
/// </para>
/// <para>
/// Per sample nothing is allocated: a series' <see cref="LabelSet"/> is built once, cached by the
/// raw bytes of its series text (<c>name{labels}</c>), and consecutive lines of one series skip
/// even the lookup. A line whose series text is already known (the common case: a series' samples
/// repeat its text) is taken without lexing its labels again. Batches are stored on other threads
/// while reading goes on.
/// </para>
/// </summary>
public sealed class OpenMetricsImporter
{
    private readonly StorageEngine _engine;
    private readonly ImportOptions _options;
    private readonly long _rangeMs;

    public OpenMetricsImporter(StorageEngine engine, ImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        options ??= new ImportOptions();
        options.Validate();
        _engine = engine;
        _options = options;
        _rangeMs = (long)engine.Options.BlockRanges[0].TotalMilliseconds;
    }

    /// <summary>Imports the file at <paramref name="path"/>.</summary>
    /// <exception cref="ImportException">The file is malformed; says where and what was stored before.</exception>
    public async Task<ImportResult> ImportFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await ImportAsync(file, path, file.Length, cancellationToken);
    }

    /// <summary>Imports OpenMetrics text from <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="ImportException">The input is malformed; says where and what was stored before.</exception>
    public Task<ImportResult> ImportAsync(Stream stream, string name, long? totalBytes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        return new Run(this, name, totalBytes).ExecuteAsync(stream, cancellationToken);
    }

    private sealed class SeriesState(byte[] key, LabelSet labels)
    {
        public byte[] Key { get; } = key;

        public LabelSet Labels { get; } = labels;

        public WindowBatch? Batch { get; set; }

        public Segment? Segment { get; set; }

        public int LastSegmentCount { get; set; }

        /// <summary>The metadata epoch in which the parser last read this series in full (see <see cref="Run.TakeKnown"/>).</summary>
        public int Epoch { get; set; } = -1;
    }

    private sealed class Segment(SeriesState series, Sample[] items)
    {
        public SeriesState Series { get; } = series;

        public Sample[] Items { get; private set; } = items;

        public int Count { get; private set; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Sample sample)
        {
            if (Count == Items.Length)
            {
                Grow();
            }

            Items[Count++] = sample;
        }

        private void Grow()
        {
            var items = SamplePool.Rent(Items.Length * 2);
            Items.AsSpan().CopyTo(items);
            SamplePool.Return(Items);
            Items = items;
        }
    }

    private sealed class WindowBatch(long window)
    {
        public long Window { get; } = window;

        public List<Segment> Segments { get; } = [];

        public long Samples { get; set; }

        public bool Sealed { get; set; }
    }

    /// <summary>A batch ready to store: its ID and window.</summary>
    private readonly record struct Cut(string Id, WindowBatch Batch);

    private sealed class Run
    {
        private readonly OpenMetricsImporter _owner;
        private readonly string _name;
        private readonly long? _totalBytes;
        private readonly Dictionary<byte[], SeriesState> _series = new(ByteArrayComparer.Instance);
        private readonly Dictionary<byte[], SeriesState>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
        private readonly Dictionary<long, WindowBatch> _windows = [];
        private readonly XxHash64 _hash = new();
        private readonly List<Task> _inFlight = [];
        private readonly long _max;
        private SeriesState? _last;
        private int _epoch;
        private long _pieceBase;
        private int _hashedUpTo;
        private bool _resume;
        private long _samples;
        private long _stored;
        private int _batches;
        private int _blocksWritten;
        private int _blocksReplayed;
        private long _minT = long.MaxValue;
        private long _maxT = long.MinValue;

        public Run(OpenMetricsImporter owner, string name, long? totalBytes)
        {
            _owner = owner;
            _name = name;
            _totalBytes = totalBytes;
            _lookup = _series.GetAlternateLookup<ReadOnlySpan<byte>>();
            _max = owner._options.MaxBatchSamples;
        }

        public async Task<ImportResult> ExecuteAsync(Stream stream, CancellationToken cancellationToken)
        {
            var stopwatch = Stopwatch.StartNew();
            var parser = new OpenMetricsTextParser(ReadOnlyMemory<byte>.Empty);
            var reader = new ExpositionChunkReader(stream, parser, _owner._options.ReadBufferSize);
            try
            {
                while (await reader.ReadChunkAsync(cancellationToken))
                {
                    while (ParsePiece(parser) is { } cut)
                    {
                        await StoreAsync(cut, cancellationToken);
                    }

                    _hash.Append(parser.Input.Span[_hashedUpTo..]);
                    _pieceBase += parser.Input.Length;
                    _hashedUpTo = 0;
                    _owner._options.Progress?.Invoke(new ImportProgress(reader.BytesRead, _totalBytes, _samples, _series.Count, Interlocked.Read(ref _stored)));
                }
            }
            catch (ExpositionParseException ex)
            {
                throw await FailAsync(ex.Line, ex.Reason, ex);
            }
            catch (InvalidImportLineException ex)
            {
                throw await FailAsync(ex.Line, ex.Message, null);
            }

            // What is left of every window, named after the whole file.
            var end = _hash.GetCurrentHashAsUInt64();
            foreach (var window in _windows.Values.OrderBy(w => w.Window).ToList())
            {
                await StoreAsync(new Cut(BatchId(end, _pieceBase, window.Window), window), cancellationToken);
            }

            _windows.Clear();
            await Task.WhenAll(_inFlight);

            var merged = 0;
            if (_owner._options.Compact)
            {
                while (true)
                {
                    var result = await _owner._engine.CompactAsync(cancellationToken);
                    merged += result.MergedBlocks;
                    if (result.MergedBlocks == 0)
                    {
                        break;
                    }
                }
            }

            var blocks = _samples == 0 ? 0 : (await _owner._engine.Catalog.ListAsync(_minT, _maxT, includeRetired: false, cancellationToken)).Count;
            _owner._options.Progress?.Invoke(new ImportProgress(reader.BytesRead, _totalBytes, _samples, _series.Count, _stored));
            return new ImportResult(
                _series.Count, _samples, _stored, _batches, _blocksWritten, _blocksReplayed, merged, blocks,
                _samples == 0 ? 0 : _minT, _samples == 0 ? 0 : _maxT, reader.BytesRead, stopwatch.Elapsed);
        }

        /// <summary>
        /// Parses the current piece until its end (null) or until a window is full before the
        /// current line (its batch, to store; the line is taken on the next call).
        /// </summary>
        private Cut? ParsePiece(OpenMetricsTextParser parser)
        {
            var range = _owner._rangeMs;
            while (true)
            {
                SeriesState? state;
                long ts;
                if (_resume)
                {
                    _resume = false;
                    state = _last!;
                    ts = parser.Timestamp!.Value;
                }
                else if (TakeKnown(parser) is { } known)
                {
                    state = known;
                    ts = parser.Timestamp!.Value;
                }
                else if (parser.Next() != ExpositionEntry.Series)
                {
                    if (parser.Entry == ExpositionEntry.Eof)
                    {
                        return null;
                    }

                    // Metadata: the family (and what the parser checks of a series) may change.
                    _epoch++;
                    continue;
                }
                else
                {
                    if (parser.Timestamp is not { } explicitTs)
                    {
                        throw new InvalidImportLineException(parser.Line, $"expected timestamp for series {System.Text.Encoding.UTF8.GetString(parser.Series)}, got none");
                    }

                    ts = explicitTs;
                    var raw = parser.Series;
                    state = _last;
                    if (state is null || !raw.SequenceEqual(state.Key))
                    {
                        state = _last = Lookup(parser, raw);
                    }

                    state.Epoch = _epoch;
                }

                var window = ts >= 0 ? ts / range : ((ts + 1) / range) - 1;
                var batch = state.Batch;
                if (batch is null || batch.Window != window || batch.Sealed || batch.Samples >= _max)
                {
                    if (!_windows.TryGetValue(window, out batch))
                    {
                        _windows[window] = batch = new WindowBatch(window);
                    }

                    if (batch.Samples >= _max)
                    {
                        // Cut before this line: the batch holds samples of bytes [0, entry start) only.
                        var input = parser.Input.Span;
                        var at = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(parser.Series));
                        _hash.Append(input[_hashedUpTo..at]);
                        _hashedUpTo = at;
                        _windows[window] = new WindowBatch(window);
                        _resume = true;
                        return new Cut(BatchId(_hash.GetCurrentHashAsUInt64(), _pieceBase + at, window), batch);
                    }

                    if (state.Segment is { } previous)
                    {
                        state.LastSegmentCount = previous.Count;
                    }

                    var segment = new Segment(state, SamplePool.Rent(Math.Max(64, state.LastSegmentCount)));
                    batch.Segments.Add(segment);
                    state.Batch = batch;
                    state.Segment = segment;
                }

                state.Segment!.Add(new Sample(ts, parser.Value));
                batch.Samples++;
                _samples++;
                if (ts < _minT)
                {
                    _minT = ts;
                }

                if (ts > _maxT)
                {
                    _maxT = ts;
                }
            }
        }

        /// <summary>
        /// Takes the next line without reading its labels when its series text is one the parser
        /// read in full since the latest metadata line (so it is valid and means the same series).
        /// </summary>
        private SeriesState? TakeKnown(OpenMetricsTextParser parser)
        {
            var text = parser.PeekSeriesText();
            if (text.IsEmpty)
            {
                return null;
            }

            var state = _last;
            if ((state is null || !text.SequenceEqual(state.Key)) && !_lookup.TryGetValue(text, out state))
            {
                return null;
            }

            if (state.Epoch != _epoch || !parser.TryTakeSample(text.Length))
            {
                return null;
            }

            _last = state;
            return state;
        }

        private SeriesState Lookup(OpenMetricsTextParser parser, ReadOnlySpan<byte> raw)
        {
            if (_lookup.TryGetValue(raw, out var state))
            {
                return state;
            }

            if (!parser.TryGetLabelSet(out var labels, out var error))
            {
                throw new InvalidImportLineException(parser.Line, error);
            }

            var key = raw.ToArray();
            state = new SeriesState(key, labels);
            _series[key] = state;
            return state;
        }

        private string BatchId(ulong hash, long offset, long window) =>
            string.Create(CultureInfo.InvariantCulture, $"import:{hash:x16}:{offset}:{window}:{_max}");

        private async Task StoreAsync(Cut cut, CancellationToken cancellationToken)
        {
            cut.Batch.Sealed = true;
            var segments = cut.Batch.Segments;
            var series = new SeriesSamples[segments.Count];
            for (var i = 0; i < series.Length; i++)
            {
                var s = segments[i];
                series[i] = new SeriesSamples(s.Series.Labels, new ArraySegment<Sample>(s.Items, 0, s.Count));
            }

            var batch = new SampleBatch(cut.Id, series);

            // At most IngestParallelism batches at once; a failed one stops the import.
            while (true)
            {
                if (_inFlight.Find(t => t.IsFaulted || t.IsCanceled) is { } failed)
                {
                    await failed;
                }

                _inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
                if (_inFlight.Count < _owner._options.IngestParallelism)
                {
                    break;
                }

                await Task.WhenAny(_inFlight);
            }

            _batches++;
            _inFlight.Add(Task.Run(
                async () =>
                {
                    var result = await _owner._engine.IngestAsync(batch, cancellationToken);

                    // The engine is done with the samples (it reads them only until it returns): the buffers serve the next batches.
                    foreach (var segment in segments)
                    {
                        SamplePool.Return(segment.Items);
                    }
                    Interlocked.Add(ref _stored, result.Blocks > 0 ? result.Samples : 0);
                    Interlocked.Add(ref _blocksWritten, result.Blocks);
                    Interlocked.Add(ref _blocksReplayed, result.ReplayedBlocks);
                },
                cancellationToken));
        }

        private async Task<ImportException> FailAsync(int line, string reason, Exception? inner)
        {
            // Batches already handed over finish (each is whole or absent); nothing more is stored.
            try
            {
                await Task.WhenAll(_inFlight);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new ImportException(_name, line, reason + "; storing an earlier batch also failed: " + ex.Message, _stored, _blocksWritten, inner);
            }

            return new ImportException(_name, line, reason, _stored, _blocksWritten, inner);
        }
    }

    /// <summary>
    /// Sample buffers by power-of-two size, reused across batches so that an import allocates
    /// (and the GC promotes and copies) about as many buffers as a few batches hold, not one set
    /// per batch. Bounded; shared by concurrent imports.
    /// </summary>
    private static class SamplePool
    {
        private const long MaxPooledBytes = 1L << 30;
        private static readonly System.Collections.Concurrent.ConcurrentBag<Sample[]>[] Buckets =
            Enumerable.Range(0, 31).Select(_ => new System.Collections.Concurrent.ConcurrentBag<Sample[]>()).ToArray();

        private static long _pooledBytes;

        public static Sample[] Rent(int minimum)
        {
            var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)minimum);
            if (Buckets[System.Numerics.BitOperations.Log2((uint)size)].TryTake(out var array))
            {
                Interlocked.Add(ref _pooledBytes, -(long)array.Length * 16);
                return array;
            }

            return GC.AllocateUninitializedArray<Sample>(size);
        }

        public static void Return(Sample[] array)
        {
            if (!System.Numerics.BitOperations.IsPow2(array.Length) || Interlocked.Add(ref _pooledBytes, (long)array.Length * 16) > MaxPooledBytes)
            {
                Interlocked.Add(ref _pooledBytes, System.Numerics.BitOperations.IsPow2(array.Length) ? -(long)array.Length * 16 : 0);
                return;
            }

            Buckets[System.Numerics.BitOperations.Log2((uint)array.Length)].Add(array);
        }
    }

    private sealed class InvalidImportLineException(int line, string message) : Exception(message)
    {
        public int Line { get; } = line;
    }
}
