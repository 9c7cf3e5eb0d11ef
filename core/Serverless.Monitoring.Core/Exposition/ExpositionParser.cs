using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Exposition;

/// <summary>
/// A pull parser over an exposition payload in UTF-8, like Prometheus's <c>textparse.Parser</c>:
/// call <see cref="Next"/> until it returns <see cref="ExpositionEntry.Eof"/>; after each entry
/// the accessors describe it. Nothing is allocated per sample: the series, names and label
/// text are spans into the payload (valid until the next call to <see cref="Next"/>), and
/// strings or <see cref="LabelSet"/>s are only built when asked for (<see cref="GetLabelSet"/>,
/// <see cref="CopyLabelsTo"/>). Malformed input throws <see cref="ExpositionParseException"/>
/// with Prometheus's wording and the line number; nothing else is thrown for any input.
/// A parser is not thread-safe; <see cref="Reset"/> reuses it for another payload.
/// </summary>
public abstract class ExpositionParser
{
    private const int InitialOffsets = 2 + (4 * 16);

    private readonly bool _helpQuoteEscape;
    private ReadOnlyMemory<byte> _input;
    private int _lineCheckpointPosition;
    private int _lineCheckpointLine = 1;
    private int _lineBase;

    /// <summary>Newlines in the current piece of a payload read in pieces (counted while its bytes are there).</summary>
    private int _pieceNewlines;
    private ExpositionParseException? _failure;
    private bool _finished;
    private Label[] _labelScratch = new Label[16];

    private protected ExpositionLexer _lexer;

    /// <summary>Where the current entry starts (upstream <c>p.start</c>).</summary>
    private protected int _entryStart;

    /// <summary>
    /// Positions in the input: [0], [1] bound the metric name (unquoted); then four per label:
    /// name start and end, value start and end (without quotes, escapes still in).
    /// </summary>
    private protected int[] _offsets = new int[InitialOffsets];
    private protected int _offsetCount;
    private protected int _seriesEnd;

    /// <summary>The current series was taken by its text alone (see OpenMetricsTextParser.TryTakeSample): no label offsets.</summary>
    private protected bool _labelsUnread;
    private protected int _textStart;
    private protected int _textEnd;
    private protected MetricFamilyType _type;
    private protected double _value;
    private protected long _timestamp;
    private protected bool _hasTimestamp;
    private protected int[] _exemplarOffsets = new int[16];
    private protected int _exemplarOffsetCount;
    private protected bool _hasExemplar;
    private protected double _exemplarValue;
    private protected long _exemplarTimestamp;
    private protected bool _hasExemplarTimestamp;

    private protected ExpositionParser(bool helpQuoteEscape)
    {
        _helpQuoteEscape = helpQuoteEscape;
    }

    /// <summary>The format this parser reads.</summary>
    public abstract ExpositionFormat Format { get; }

    /// <summary>The payload being parsed.</summary>
    public ReadOnlyMemory<byte> Input => _input;

    /// <summary>The kind of the current entry.</summary>
    public ExpositionEntry Entry { get; private protected set; } = ExpositionEntry.Eof;

    /// <summary>
    /// The raw bytes of the current series as written (<c>name{labels}</c>, escapes included):
    /// the same text always means the same series within a format, so it suits a cache key.
    /// </summary>
    public ReadOnlySpan<byte> Series => _input.Span[_entryStart.._seriesEnd];

    /// <summary>The metric name of the current series or metadata line, without quotes; escapes still in.</summary>
    public ReadOnlySpan<byte> RawMetricName => _input.Span[_offsets[0].._offsets[1]];

    /// <summary>The number of labels of the current series, not counting the metric name.</summary>
    public int LabelCount => (_offsetCount - 2) / 4;

    /// <summary>The value of the current sample (any NaN is Prometheus's normal NaN, see <see cref="StaleMarker.NormalNaNBits"/>).</summary>
    public double Value => _value;

    /// <summary>The explicit timestamp of the current sample in milliseconds, if it has one.</summary>
    public long? Timestamp => _hasTimestamp ? _timestamp : null;

    /// <summary>
    /// The type from the latest <c># TYPE</c> line. As in Prometheus it stays in force until the
    /// next TYPE line, even for series of another family that has none.
    /// </summary>
    public MetricFamilyType Type => _type;

    /// <summary>The help text of the current <see cref="ExpositionEntry.Help"/> entry, escapes still in.</summary>
    public ReadOnlySpan<byte> RawHelp => _input.Span[_textStart.._textEnd];

    /// <summary>The unit of the current <see cref="ExpositionEntry.Unit"/> entry (may be empty).</summary>
    public ReadOnlySpan<byte> Unit => _input.Span[_textStart.._textEnd];

    /// <summary>The whole line of the current <see cref="ExpositionEntry.Comment"/> entry, <c>#</c> included.</summary>
    public ReadOnlySpan<byte> Comment => _input.Span[_textStart.._textEnd];

    /// <summary>True when the current sample has an exemplar (OpenMetrics only).</summary>
    public bool HasExemplar => _hasExemplar;

    /// <summary>The 1-based line on which the current entry starts.</summary>
    public int Line => LineAt(_entryStart);

    /// <summary>
    /// Advances to the next entry. Returns <see cref="ExpositionEntry.Eof"/> at the end (and on
    /// every call after). Throws <see cref="ExpositionParseException"/> on malformed input, and
    /// the same exception again on later calls.
    /// </summary>
    public ExpositionEntry Next()
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        if (_finished)
        {
            return ExpositionEntry.Eof;
        }

        try
        {
            var entry = ParseNext(_input.Span);
            Entry = entry;
            _finished = entry == ExpositionEntry.Eof;
            return entry;
        }
        catch (ExpositionParseException e)
        {
            _failure = e;
            Entry = ExpositionEntry.Eof;
            throw;
        }
    }

    /// <summary>Starts over on another payload, keeping buffers.</summary>
    public void Reset(ReadOnlyMemory<byte> input) => Begin(input, isFinal: true);

    /// <summary>Starts a new payload with its first piece (<see cref="ContinueWith"/> for the rest).</summary>
    internal void Begin(ReadOnlyMemory<byte> input, bool isFinal)
    {
        IsFinalChunk = isFinal;
        _lineBase = 0;
        _pieceNewlines = isFinal ? 0 : input.Span.Count((byte)'\n');
        ResetState(input);
        _type = MetricFamilyType.Unknown;
        OnReset(continuation: false);
    }

    /// <summary>
    /// Continues with the next piece of a payload too large for one buffer (see
    /// <see cref="ExpositionChunkReader"/>). Every piece but the last must end with a newline
    /// and be given with <paramref name="isFinal"/> false: its end is then just the end of the
    /// piece, not of the payload (OpenMetrics's <c># EOF</c> is only required in the last one).
    /// The metric type in force and the line count carry over. A piece's bytes must not change
    /// while it is parsed.
    /// </summary>
    public void ContinueWith(ReadOnlyMemory<byte> chunk, bool isFinal)
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        // The previous piece's buffer may already hold the next piece: use the count taken earlier.
        _lineBase += _pieceNewlines;
        _pieceNewlines = isFinal ? 0 : chunk.Span.Count((byte)'\n');
        IsFinalChunk = isFinal;
        ResetState(chunk);
        OnReset(continuation: true);
    }

    /// <summary>False while parsing a piece of a larger payload that is not its last.</summary>
    private protected bool IsFinalChunk { get; private set; } = true;

    /// <summary>Lets a derived parser reset its own state; <paramref name="continuation"/> when the payload goes on.</summary>
    private protected virtual void OnReset(bool continuation)
    {
    }

    private void ResetState(ReadOnlyMemory<byte> input)
    {
        _input = IsFinalChunk ? PrepareInput(input) : input;
        _lexer.Reset();
        _lineCheckpointPosition = 0;
        _lineCheckpointLine = 1;
        _failure = null;
        _finished = false;
        Entry = ExpositionEntry.Eof;
        _entryStart = 0;
        _offsetCount = 0;
        _seriesEnd = 0;
        _textStart = 0;
        _textEnd = 0;
        _hasTimestamp = false;
        _hasExemplar = false;
        _exemplarOffsetCount = 0;
    }

    /// <summary>The metric name of the current series or metadata line, unescaped.</summary>
    public string GetMetricName() => ExpositionEscaping.Unescape(RawMetricName, quoteEscape: true);

    /// <summary>The help text of the current <see cref="ExpositionEntry.Help"/> entry, unescaped.</summary>
    public string GetHelp() => ExpositionEscaping.Unescape(RawHelp, _helpQuoteEscape);

    /// <summary>The name of label <paramref name="index"/> (0 ≤ index &lt; <see cref="LabelCount"/>), escapes still in.</summary>
    public ReadOnlySpan<byte> GetRawLabelName(int index)
    {
        var at = LabelOffset(index);
        return _input.Span[_offsets[at].._offsets[at + 1]];
    }

    /// <summary>The value of label <paramref name="index"/> (0 ≤ index &lt; <see cref="LabelCount"/>), escapes still in.</summary>
    public ReadOnlySpan<byte> GetRawLabelValue(int index)
    {
        var at = LabelOffset(index);
        return _input.Span[_offsets[at + 2].._offsets[at + 3]];
    }

    /// <summary>
    /// The labels of the current series with <c>__name__</c>, as Prometheus 3 builds them:
    /// unescaped, <c>le</c> of histograms and <c>quantile</c> of summaries in OpenMetrics float
    /// form (<c>1</c> becomes <c>1.0</c>), empty values dropped. Throws
    /// <see cref="ExpositionParseException"/> when they do not form a valid set (e.g. a name
    /// given twice), with Prometheus's reason.
    /// </summary>
    public LabelSet GetLabelSet() =>
        TryGetLabelSet(out var set, out var error) ? set : throw Error(error, _entryStart);

    /// <summary>As <see cref="GetLabelSet"/>, returning Prometheus's reason instead of throwing.</summary>
    public bool TryGetLabelSet([NotNullWhen(true)] out LabelSet? labels, [NotNullWhen(false)] out string? error)
    {
        RequireSeries();
        labels = null;
        var count = LabelCount + 1;
        if (_labelScratch.Length < count)
        {
            _labelScratch = new Label[Math.Max(count, _labelScratch.Length * 2)];
        }

        var name = RawMetricName;
        if (!Utf8.IsValid(name))
        {
            error = $"invalid metric name: {LabelFormatting.GoQuote(name)}";
            return false;
        }

        _labelScratch[0] = new Label(LabelValidation.MetricNameLabel, GetMetricName());
        for (var i = 0; i < count - 1; i++)
        {
            var rawName = GetRawLabelName(i);
            if (!Utf8.IsValid(rawName))
            {
                error = $"invalid label name: {LabelFormatting.GoQuote(rawName)}";
                return false;
            }

            _labelScratch[i + 1] = CreateLabel(rawName, GetRawLabelValue(i));
        }

        var ok = LabelSet.TryCreate(_labelScratch.AsSpan(0, count), out labels, out error);
        Array.Clear(_labelScratch, 0, count);
        return ok;
    }

    /// <summary>
    /// Writes the labels of the current series (with <c>__name__</c>, built as in
    /// <see cref="GetLabelSet"/>) into <paramref name="builder"/>, replacing what it held. A name
    /// given twice keeps its last value; <see cref="TryGetLabelSet"/> reports that instead.
    /// </summary>
    public void CopyLabelsTo(LabelSetBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RequireSeries();
        builder.Clear();
        builder.Set(LabelValidation.MetricNameLabel, GetMetricName());
        for (var i = 0; i < LabelCount; i++)
        {
            var label = CreateLabel(GetRawLabelName(i), GetRawLabelValue(i));
            builder.Set(label.Name, label.Value);
        }
    }

    /// <summary>The exemplar of the current sample; throws <see cref="InvalidOperationException"/> when it has none.</summary>
    public Exemplar GetExemplar() =>
        TryGetExemplar(out var exemplar) ? exemplar : throw new InvalidOperationException("The current entry has no exemplar.");

    /// <summary>The exemplar of the current sample, if any. Invalid exemplar labels throw <see cref="ExpositionParseException"/>.</summary>
    public bool TryGetExemplar(out Exemplar exemplar)
    {
        exemplar = default;
        if (Entry != ExpositionEntry.Series || !_hasExemplar)
        {
            return false;
        }

        var span = _input.Span;
        var count = _exemplarOffsetCount / 4;
        var labels = new Label[count];
        for (var i = 0; i < count; i++)
        {
            var at = 4 * i;
            var rawName = span[_exemplarOffsets[at].._exemplarOffsets[at + 1]];
            if (!Utf8.IsValid(rawName))
            {
                throw Error($"invalid label name: {LabelFormatting.GoQuote(rawName)}", _entryStart);
            }

            labels[i] = new Label(
                ExpositionEscaping.Unescape(rawName, quoteEscape: true),
                ExpositionEscaping.Unescape(span[_exemplarOffsets[at + 2].._exemplarOffsets[at + 3]], quoteEscape: true));
        }

        if (!LabelSet.TryCreate(labels, out var set, out var error))
        {
            throw Error(error, _entryStart);
        }

        exemplar = new Exemplar(set, _exemplarValue, _hasExemplarTimestamp ? _exemplarTimestamp : null);
        return true;
    }

    /// <summary>Parses the next entry from <paramref name="b"/> (the whole input).</summary>
    private protected abstract ExpositionEntry ParseNext(ReadOnlySpan<byte> b);

    /// <summary>Adjusts the input before parsing (the text format appends a newline).</summary>
    private protected virtual ReadOnlyMemory<byte> PrepareInput(ReadOnlyMemory<byte> input) => input;

    private protected void AddOffsets(int start, int end)
    {
        if (_offsetCount + 2 > _offsets.Length)
        {
            Array.Resize(ref _offsets, _offsets.Length * 2);
        }

        _offsets[_offsetCount++] = start;
        _offsets[_offsetCount++] = end;
    }

    private protected void AddExemplarOffsets(int start, int end)
    {
        if (_exemplarOffsetCount + 2 > _exemplarOffsets.Length)
        {
            Array.Resize(ref _exemplarOffsets, _exemplarOffsets.Length * 2);
        }

        _exemplarOffsets[_exemplarOffsetCount++] = start;
        _exemplarOffsets[_exemplarOffsetCount++] = end;
    }

    /// <summary>Upstream's <c>parseError</c>: <c>{expected}, got "{token text}" ("{TOKEN}") while parsing: "{entry so far}"</c>.</summary>
    private protected ExpositionParseException ParseError(ReadOnlySpan<byte> b, string expected, ExpositionToken got)
    {
        var end = Math.Min(b.Length, _lexer.Position + 1);
        var start = Math.Min(_lexer.Start, end);
        var reason = string.Concat(
            expected,
            ", got ",
            LabelFormatting.GoQuote(b[start..end]),
            " (",
            LabelFormatting.GoQuote(got.Name()),
            ") while parsing: ",
            LabelFormatting.GoQuote(b[Math.Min(_entryStart, end)..end]));
        return Error(reason, start);
    }

    /// <summary>A parse error located at <paramref name="position"/> in the input.</summary>
    private protected ExpositionParseException Error(string reason, int position) => new(reason, LineAt(position));

    /// <summary>Upstream's <c>"%w while parsing: %q"</c> for number errors, quoting the entry up to the lexer.</summary>
    private protected ExpositionParseException NumberError(ReadOnlySpan<byte> b, string error)
    {
        var end = Math.Min(b.Length, _lexer.Position);
        return Error($"{error} while parsing: {LabelFormatting.GoQuote(b[Math.Min(_entryStart, end)..end])}", _lexer.Start);
    }

    /// <summary>The metric name of the current series, for the <c>_created</c> check.</summary>
    private protected bool MetricNameEndsWith(ReadOnlySpan<byte> b, ReadOnlySpan<byte> suffix) =>
        b[_offsets[0].._offsets[1]].EndsWith(suffix);

    /// <summary>Prometheus 3's <c>normalizeFloatsInLabelValues</c>: <c>le</c>/<c>quantile</c> in OpenMetrics float form.</summary>
    private Label CreateLabel(ReadOnlySpan<byte> rawName, ReadOnlySpan<byte> rawValue)
    {
        var name = ExpositionEscaping.Unescape(rawName, quoteEscape: true);
        var normalize = (_type == MetricFamilyType.Histogram && name == "le")
            || (_type == MetricFamilyType.Summary && name == "quantile");
        if (normalize && GoNumbers.TryParseFloat(rawValue, out var bound, out _))
        {
            return new Label(name, FormatOpenMetricsFloat(bound));
        }

        return new Label(name, ExpositionEscaping.Unescape(rawValue, quoteEscape: true));
    }

    /// <summary>Prometheus's <c>labels.FormatOpenMetricsFloat</c>: Go's shortest form, with <c>.0</c> when it has no dot or exponent.</summary>
    internal static string FormatOpenMetricsFloat(double value)
    {
        if (value == 0)
        {
            return "0.0";
        }

        Span<byte> buffer = stackalloc byte[40];
        var length = TextExpositionWriter.FormatValue(value, buffer);
        var text = buffer[..length];
        if (!double.IsFinite(value) || text.IndexOfAny((byte)'e', (byte)'.') >= 0)
        {
            return Encoding.ASCII.GetString(text);
        }

        ".0"u8.CopyTo(buffer[length..]);
        return Encoding.ASCII.GetString(buffer[..(length + 2)]);
    }

    private int LabelOffset(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, LabelCount);
        return 2 + (4 * index);
    }

    private void RequireSeries()
    {
        if (Entry != ExpositionEntry.Series)
        {
            throw new InvalidOperationException($"The current entry is {Entry}, not a series.");
        }

        if (_labelsUnread)
        {
            throw new InvalidOperationException("The current series was taken by its known text; its labels were not read.");
        }
    }

    /// <summary>True while <see cref="Next"/> can still return entries (no failure, not at the end).</summary>
    private protected bool CanContinue => _failure is null && !_finished;

    /// <summary>The 1-based line of <paramref name="position"/>, counting forward from the last answer.</summary>
    private int LineAt(int position) => _lineBase + LocalLineAt(position);

    private int LocalLineAt(int position)
    {
        var span = _input.Span;
        position = Math.Clamp(position, 0, span.Length);
        if (position < _lineCheckpointPosition)
        {
            _lineCheckpointPosition = 0;
            _lineCheckpointLine = 1;
        }

        _lineCheckpointLine += span[_lineCheckpointPosition..position].Count((byte)'\n');
        _lineCheckpointPosition = position;
        return _lineCheckpointLine;
    }
}
