using System.Text.Unicode;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Exposition;

/// <summary>
/// Parses OpenMetrics 1.0 text (<c>application/openmetrics-text; version=1.0.0</c>) as
/// Prometheus's <c>OpenMetricsParser</c> does: single spaces only, <c># HELP</c>, <c># TYPE</c>
/// (counter, gauge, histogram, gaugehistogram, summary, info, stateset, unknown) and
/// <c># UNIT</c> (which must be a suffix of the name), timestamps in seconds (kept in
/// milliseconds), exemplars (<c>... # {trace_id="x"} 1.0 123.45</c>), and a final
/// <c># EOF</c> with nothing after it.
/// </summary>
/// <remarks>
/// Exemplar labels are unescaped like series labels (upstream keeps their escapes).
/// </remarks>
public sealed class OpenMetricsTextParser : ExpositionParser
{
    /// <summary>The HTTP Content-Type of this format.</summary>
    public const string ContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private readonly bool _skipCreatedSeries;

    /// <summary>A <c># EOF</c> ended an earlier piece of the payload: nothing may follow.</summary>
    private bool _sawEof;

    /// <summary>Parses <paramref name="input"/> (UTF-8).</summary>
    public OpenMetricsTextParser(ReadOnlyMemory<byte> input, ExpositionParserOptions? options = null)
        : base(helpQuoteEscape: true)
    {
        _skipCreatedSeries = (options ?? ExpositionParserOptions.Default).SkipCreatedSeries;
        Reset(input);
    }

    public override ExpositionFormat Format => ExpositionFormat.OpenMetrics;

    /// <summary>
    /// True when the current series is the <c>_created</c> series of a counter, histogram or
    /// summary (its value is the start time in seconds, not a sample).
    /// </summary>
    public bool IsCreatedSeries =>
        Entry == ExpositionEntry.Series && IsCreated(Input.Span);

    private protected override void OnReset(bool continuation)
    {
        if (!continuation)
        {
            _sawEof = false;
        }
    }

    private protected override ExpositionEntry ParseNext(ReadOnlySpan<byte> b)
    {
        if (_sawEof)
        {
            // "# EOF" ended an earlier piece: only an empty last piece may follow.
            return b.IsEmpty ? ExpositionEntry.Eof : throw Error("unexpected data after # EOF", 0);
        }

        while (true)
        {
            _entryStart = _lexer.Position;
            _offsetCount = 0;
            _labelsUnread = false;
            _exemplarOffsetCount = 0;
            _hasExemplar = false;
            _exemplarValue = 0;
            _hasExemplarTimestamp = false;
            var t = _lexer.LexOpenMetrics(b);
            switch (t)
            {
                case ExpositionToken.EofWord:
                    if (_lexer.LexOpenMetrics(b) != ExpositionToken.Eof)
                    {
                        throw Error("unexpected data after # EOF", _lexer.Start);
                    }

                    _sawEof = true;
                    return ExpositionEntry.Eof;
                case ExpositionToken.Eof:
                    // The end of a piece that is not the last is not the end of the payload.
                    return IsFinalChunk ? throw Error("data does not end with # EOF", b.Length) : ExpositionEntry.Eof;
                case ExpositionToken.Help or ExpositionToken.Type or ExpositionToken.Unit:
                    return ParseMetadata(b, t);
                case ExpositionToken.BraceOpen:
                    AddOffsets(-1, -1);
                    ParseLabels(b, exemplar: false);
                    _seriesEnd = _lexer.Position;
                    ParseSeriesEndOfLine(b, _lexer.LexOpenMetrics(b));
                    if (_skipCreatedSeries && IsCreated(b))
                    {
                        continue;
                    }

                    return ExpositionEntry.Series;
                case ExpositionToken.MetricName:
                    AddOffsets(_lexer.Start, _lexer.Position);
                    _seriesEnd = _lexer.Position;
                    t = _lexer.LexOpenMetrics(b);
                    if (t == ExpositionToken.BraceOpen)
                    {
                        ParseLabels(b, exemplar: false);
                        _seriesEnd = _lexer.Position;
                        t = _lexer.LexOpenMetrics(b);
                    }

                    ParseSeriesEndOfLine(b, t);
                    if (_skipCreatedSeries && IsCreated(b))
                    {
                        continue;
                    }

                    return ExpositionEntry.Series;
                default:
                    throw ParseError(b, "expected a valid start token", t);
            }
        }
    }

    /// <summary>
    /// The series text of the next line up to its first space (<c>name{labels}</c> when no label
    /// value holds a space), or empty when the next line cannot be a sample line. Consumes
    /// nothing. With <see cref="TryTakeSample"/> it lets a reader that keeps the series it has
    /// already seen skip lexing their labels again: an importer's lines are mostly repeats.
    /// </summary>
    internal ReadOnlySpan<byte> PeekSeriesText()
    {
        if (!CanContinue || _sawEof || _lexer.State != LexerState.Init)
        {
            return default;
        }

        var rest = Input.Span[_lexer.Position..];
        if (rest.IsEmpty || rest[0] == '#')
        {
            return default;
        }

        var space = rest.IndexOfAny((byte)' ', (byte)'\n');
        return space > 0 && rest[space] == ' ' ? rest[..space] : default;
    }

    /// <summary>
    /// Takes the next line as a sample of the series whose text <see cref="PeekSeriesText"/>
    /// returned (<paramref name="seriesLength"/> bytes), when the rest of the line is exactly
    /// <c> value timestamp</c> and both parse; otherwise returns false and consumes nothing (call
    /// <see cref="ExpositionParser.Next"/>, which reads the line fully and reports what is wrong).
    /// The caller vouches that the same text was returned by <see cref="ExpositionParser.Next"/> as a series since the
    /// latest metadata line, so it is valid and is the same series. Afterwards <see cref="ExpositionParser.Series"/>,
    /// <see cref="ExpositionParser.Value"/>, <see cref="ExpositionParser.Timestamp"/> and <see cref="ExpositionParser.Line"/>
    /// describe the line; its labels are not read.
    /// </summary>
    internal bool TryTakeSample(int seriesLength)
    {
        var b = Input.Span;
        var start = _lexer.Position;
        var valueText = b[(start + seriesLength + 1)..];
        var end = valueText.IndexOfAny((byte)' ', (byte)'\n');
        if (end <= 0 || valueText[end] != ' ')
        {
            return false;
        }

        var timestampText = valueText[(end + 1)..];
        var lineEnd = timestampText.IndexOfAny((byte)' ', (byte)'\n');
        if (lineEnd <= 0 || timestampText[lineEnd] != '\n'
            || !GoNumbers.TryParseExpositionFloat(valueText[..end], out var value, out _)
            || !GoNumbers.TryParseExpositionFloat(timestampText[..lineEnd], out var seconds, out _)
            || !double.IsFinite(seconds))
        {
            return false;
        }

        _entryStart = start;
        _seriesEnd = start + seriesLength;
        _offsetCount = 0;
        _labelsUnread = true;
        _exemplarOffsetCount = 0;
        _hasExemplar = false;
        _value = double.IsNaN(value) ? BitConverter.UInt64BitsToDouble(StaleMarker.NormalNaNBits) : value;
        _timestamp = GoNumbers.SecondsToMilliseconds(seconds);
        _hasTimestamp = true;
        _lexer.Position = start + seriesLength + 1 + end + 1 + lineEnd + 1;
        _lexer.Start = _lexer.Position;
        Entry = ExpositionEntry.Series;
        return true;
    }

    private bool IsCreated(ReadOnlySpan<byte> b) =>
        _type is MetricFamilyType.Counter or MetricFamilyType.Summary or MetricFamilyType.Histogram
        && MetricNameEndsWith(b, "_created"u8);

    private ExpositionEntry ParseMetadata(ReadOnlySpan<byte> b, ExpositionToken kind)
    {
        var t = _lexer.LexOpenMetrics(b);
        if (t != ExpositionToken.MetricName)
        {
            throw ParseError(b, "expected metric name after " + kind.Name(), t);
        }

        var nameStart = _lexer.Start;
        var nameEnd = _lexer.Position;
        if (b[nameStart] == '"' && b[nameEnd - 1] == '"')
        {
            nameStart++;
            nameEnd--;
        }

        AddOffsets(nameStart, nameEnd);
        t = _lexer.LexOpenMetrics(b);
        if (t != ExpositionToken.Text)
        {
            throw Error("expected text in " + kind.Name(), _lexer.Start);
        }

        // The token is " text\n".
        _textStart = _lexer.Position - _lexer.Start > 1 ? _lexer.Start + 1 : _lexer.Position;
        _textEnd = Math.Max(_textStart, _lexer.Position - 1);
        var text = b[_textStart.._textEnd];
        switch (kind)
        {
            case ExpositionToken.Type:
                _type = text switch
                {
                    _ when text.SequenceEqual("counter"u8) => MetricFamilyType.Counter,
                    _ when text.SequenceEqual("gauge"u8) => MetricFamilyType.Gauge,
                    _ when text.SequenceEqual("histogram"u8) => MetricFamilyType.Histogram,
                    _ when text.SequenceEqual("gaugehistogram"u8) => MetricFamilyType.GaugeHistogram,
                    _ when text.SequenceEqual("summary"u8) => MetricFamilyType.Summary,
                    _ when text.SequenceEqual("info"u8) => MetricFamilyType.Info,
                    _ when text.SequenceEqual("stateset"u8) => MetricFamilyType.StateSet,
                    _ when text.SequenceEqual("unknown"u8) => MetricFamilyType.Unknown,
                    _ => throw Error($"invalid metric type {LabelFormatting.GoQuote(text)}", _lexer.Start),
                };
                return ExpositionEntry.Type;
            case ExpositionToken.Help:
                if (!Utf8.IsValid(text))
                {
                    throw Error($"help text {LabelFormatting.GoQuote(text)} is not a valid utf8 string", _lexer.Start);
                }

                return ExpositionEntry.Help;
            default:
                var name = b[nameStart..nameEnd];
                if (!text.IsEmpty
                    && (!name.EndsWith(text) || name.Length < text.Length + 1 || b[nameEnd - text.Length - 1] != '_'))
                {
                    throw Error($"unit {LabelFormatting.GoQuote(text)} not a suffix of metric {LabelFormatting.GoQuote(name)}", _lexer.Start);
                }

                return ExpositionEntry.Unit;
        }
    }

    /// <summary>The inside of the braces of a series or an exemplar (upstream <c>parseLVals</c>).</summary>
    private void ParseLabels(ReadOnlySpan<byte> b, bool exemplar)
    {
        var t = _lexer.LexOpenMetrics(b);
        while (true)
        {
            var start = _lexer.Start;
            var end = _lexer.Position;
            bool quoted;
            switch (t)
            {
                case ExpositionToken.BraceClose:
                    return;
                case ExpositionToken.LabelName:
                    quoted = false;
                    break;
                case ExpositionToken.QuotedString:
                    quoted = true;
                    break;
                default:
                    throw ParseError(b, "expected label name", t);
            }

            t = _lexer.LexOpenMetrics(b);
            if (quoted && t is ExpositionToken.Comma or ExpositionToken.BraceClose)
            {
                // A quoted string on its own is the metric name; exemplars have none.
                if (exemplar)
                {
                    throw ParseError(b, "expected label name", t);
                }

                if (_offsets[0] != -1 || _offsets[1] != -1)
                {
                    throw Error($"metric name already set while parsing: {LabelFormatting.GoQuote(b[_entryStart.._lexer.Position])}", start);
                }

                _offsets[0] = start + 1;
                _offsets[1] = end - 1;
                if (t == ExpositionToken.BraceClose)
                {
                    return;
                }

                t = _lexer.LexOpenMetrics(b);
                continue;
            }

            if (b[start] == '"')
            {
                start++;
                end--;
            }

            AddLabelOffsets(exemplar, start, end);
            if (t != ExpositionToken.Equal)
            {
                throw ParseError(b, "expected equal", t);
            }

            t = _lexer.LexOpenMetrics(b);
            if (t != ExpositionToken.LabelValue)
            {
                throw ParseError(b, "expected label value", t);
            }

            var value = b[_lexer.Start.._lexer.Position];
            if (!Utf8.IsValid(value))
            {
                throw Error($"invalid UTF-8 label value: {LabelFormatting.GoQuote(value)}", _lexer.Start);
            }

            AddLabelOffsets(exemplar, _lexer.Start + 1, _lexer.Position - 1);

            // A trailing comma is allowed.
            t = _lexer.LexOpenMetrics(b);
            if (t == ExpositionToken.Comma)
            {
                t = _lexer.LexOpenMetrics(b);
            }
            else if (t != ExpositionToken.BraceClose)
            {
                throw ParseError(b, "expected comma or brace close", t);
            }
        }
    }

    private void AddLabelOffsets(bool exemplar, int start, int end)
    {
        if (exemplar)
        {
            AddExemplarOffsets(start, end);
        }
        else
        {
            AddOffsets(start, end);
        }
    }

    /// <summary>Value, optional timestamp and optional exemplar (upstream <c>parseSeriesEndOfLine</c>).</summary>
    private void ParseSeriesEndOfLine(ReadOnlySpan<byte> b, ExpositionToken t)
    {
        if (_offsets[0] == -1)
        {
            throw Error($"metric name not set while parsing: {LabelFormatting.GoQuote(b[_entryStart.._lexer.Position])}", _entryStart);
        }

        _value = GetFloatValue(b, t, "metric");
        _hasTimestamp = false;
        t = _lexer.LexOpenMetrics(b);
        switch (t)
        {
            case ExpositionToken.Eof:
                throw Error("data does not end with # EOF", b.Length);
            case ExpositionToken.Linebreak:
                break;
            case ExpositionToken.Comment:
                ParseExemplar(b);
                break;
            case ExpositionToken.Timestamp:
                _timestamp = GetTimestamp(b, "invalid timestamp ");
                _hasTimestamp = true;
                t = _lexer.LexOpenMetrics(b);
                switch (t)
                {
                    case ExpositionToken.Linebreak:
                        break;
                    case ExpositionToken.Comment:
                        ParseExemplar(b);
                        break;
                    default:
                        throw ParseError(b, "expected next entry after timestamp", t);
                }

                break;

            // Anything else is left for the next call to report, as upstream does.
        }
    }

    /// <summary>After <c> # {</c>: the exemplar's labels, value and optional timestamp (upstream <c>parseComment</c>).</summary>
    private void ParseExemplar(ReadOnlySpan<byte> b)
    {
        ParseLabels(b, exemplar: true);
        _exemplarValue = GetFloatValue(b, _lexer.LexOpenMetrics(b), "exemplar labels");
        _hasExemplarTimestamp = false;
        var t = _lexer.LexOpenMetrics(b);
        switch (t)
        {
            case ExpositionToken.Eof:
                throw Error("data does not end with # EOF", b.Length);
            case ExpositionToken.Linebreak:
                break;
            case ExpositionToken.Timestamp:
                _exemplarTimestamp = GetTimestamp(b, "invalid exemplar timestamp ");
                _hasExemplarTimestamp = true;
                t = _lexer.LexOpenMetrics(b);
                if (t != ExpositionToken.Linebreak)
                {
                    throw ParseError(b, "expected next entry after exemplar timestamp", t);
                }

                break;
            default:
                throw ParseError(b, "expected timestamp or comment", t);
        }

        _hasExemplar = true;
    }

    /// <summary>A value token (" 1.5"): Go's float syntax; NaN becomes Prometheus's normal NaN.</summary>
    private double GetFloatValue(ReadOnlySpan<byte> b, ExpositionToken t, string after)
    {
        if (t != ExpositionToken.Value)
        {
            throw ParseError(b, "expected value after " + after, t);
        }

        if (!GoNumbers.TryParseExpositionFloat(b[(_lexer.Start + 1).._lexer.Position], out var value, out var error))
        {
            throw NumberError(b, error);
        }

        return double.IsNaN(value) ? BitConverter.UInt64BitsToDouble(StaleMarker.NormalNaNBits) : value;
    }

    /// <summary>A timestamp token (" 1520879607.789"): seconds as a float, kept in milliseconds.</summary>
    private long GetTimestamp(ReadOnlySpan<byte> b, string invalid)
    {
        if (!GoNumbers.TryParseExpositionFloat(b[(_lexer.Start + 1).._lexer.Position], out var seconds, out var error))
        {
            throw NumberError(b, error);
        }

        if (!double.IsFinite(seconds))
        {
            throw Error(invalid + GoNumbers.FormatNonFinite(seconds), _lexer.Start);
        }

        return GoNumbers.SecondsToMilliseconds(seconds);
    }
}
