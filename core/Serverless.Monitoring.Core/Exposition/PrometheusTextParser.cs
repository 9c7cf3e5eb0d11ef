using System.Text.Unicode;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Exposition;

/// <summary>
/// Parses the Prometheus text exposition format 0.0.4 (<c>text/plain; version=0.0.4</c>), as
/// Prometheus's <c>PromParser</c> does: comments, <c># HELP</c> (with <c>\\</c> and <c>\n</c>
/// escapes) and <c># TYPE</c> (<c>untyped</c> is <see cref="MetricFamilyType.Unknown"/>), free
/// spaces and tabs between tokens, quoted UTF-8 metric and label names
/// (<c>{"my.metric", "label.name"="v"}</c>), values in Go's float syntax, and optional integer
/// timestamps in milliseconds.
/// </summary>
/// <remarks>
/// One deliberate difference: a sample line indented with spaces gets its metric name without
/// them (upstream keeps the indentation in the name).
/// </remarks>
public sealed class PrometheusTextParser : ExpositionParser
{
    /// <summary>The HTTP Content-Type of this format.</summary>
    public const string ContentType = TextExpositionWriter.ContentType;

    /// <summary>Parses <paramref name="input"/> (UTF-8). A final newline is added if missing, as upstream does.</summary>
    public PrometheusTextParser(ReadOnlyMemory<byte> input)
        : base(helpQuoteEscape: false)
    {
        Reset(input);
    }

    public override ExpositionFormat Format => ExpositionFormat.PrometheusText;

    private protected override ReadOnlyMemory<byte> PrepareInput(ReadOnlyMemory<byte> input)
    {
        if (!input.IsEmpty && input.Span[^1] == '\n')
        {
            return input;
        }

        // The lexer relies on a final newline; real payloads have one, so this copy is rare.
        var copy = new byte[input.Length + 1];
        input.Span.CopyTo(copy);
        copy[^1] = (byte)'\n';
        return copy;
    }

    private protected override ExpositionEntry ParseNext(ReadOnlySpan<byte> b)
    {
        while (true)
        {
            _entryStart = _lexer.Position;
            _offsetCount = 0;
            var t = NextToken(b);
            switch (t)
            {
                case ExpositionToken.Eof:
                    return ExpositionEntry.Eof;
                case ExpositionToken.Linebreak:
                    // Blank lines are allowed.
                    continue;
                case ExpositionToken.Help or ExpositionToken.Type:
                    return ParseMetadata(b, t);
                case ExpositionToken.Comment:
                    _textStart = _lexer.Start;
                    _textEnd = _lexer.Position;
                    t = NextToken(b);
                    if (t != ExpositionToken.Linebreak)
                    {
                        throw ParseError(b, "linebreak expected after comment", t);
                    }

                    return ExpositionEntry.Comment;
                case ExpositionToken.BraceOpen:
                    // The metric name may come inside the braces, quoted.
                    AddOffsets(-1, -1);
                    ParseLabels(b);
                    _seriesEnd = _lexer.Position;
                    return ParseMetricSuffix(b, NextToken(b));
                case ExpositionToken.MetricName:
                    AddOffsets(_lexer.Start, _lexer.Position);
                    _seriesEnd = _lexer.Position;
                    t = NextToken(b);
                    if (t == ExpositionToken.BraceOpen)
                    {
                        ParseLabels(b);
                        _seriesEnd = _lexer.Position;
                        t = NextToken(b);
                    }

                    return ParseMetricSuffix(b, t);
                default:
                    throw ParseError(b, "expected a valid start token", t);
            }
        }
    }

    private ExpositionToken NextToken(ReadOnlySpan<byte> b)
    {
        while (true)
        {
            var t = _lexer.LexPrometheusText(b);
            if (t != ExpositionToken.Whitespace)
            {
                return t;
            }
        }
    }

    private ExpositionEntry ParseMetadata(ReadOnlySpan<byte> b, ExpositionToken kind)
    {
        var t = NextToken(b);
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
        t = NextToken(b);
        if (t != ExpositionToken.Text)
        {
            throw Error($"expected text in {kind.Name()}, got {t.Name()}", _lexer.Start);
        }

        // The token starts with the separating blank (upstream drops its first byte).
        _textStart = _lexer.Position - _lexer.Start > 1 ? _lexer.Start + 1 : _lexer.Position;
        _textEnd = _lexer.Position;
        var text = b[_textStart.._textEnd];
        if (kind == ExpositionToken.Type)
        {
            _type = text switch
            {
                _ when text.SequenceEqual("counter"u8) => MetricFamilyType.Counter,
                _ when text.SequenceEqual("gauge"u8) => MetricFamilyType.Gauge,
                _ when text.SequenceEqual("histogram"u8) => MetricFamilyType.Histogram,
                _ when text.SequenceEqual("summary"u8) => MetricFamilyType.Summary,
                _ when text.SequenceEqual("untyped"u8) => MetricFamilyType.Unknown,
                _ => throw Error($"invalid metric type {LabelFormatting.GoQuote(text)}", _lexer.Start),
            };
        }
        else if (!Utf8.IsValid(text))
        {
            throw Error($"help text {LabelFormatting.GoQuote(text)} is not a valid utf8 string", _lexer.Start);
        }

        t = NextToken(b);
        if (t != ExpositionToken.Linebreak)
        {
            throw ParseError(b, "linebreak expected after metadata", t);
        }

        return kind == ExpositionToken.Help ? ExpositionEntry.Help : ExpositionEntry.Type;
    }

    /// <summary>The inside of the braces (upstream <c>parseLVals</c>); spaces between terms are allowed.</summary>
    private void ParseLabels(ReadOnlySpan<byte> b)
    {
        var t = NextToken(b);
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

            t = NextToken(b);
            if (quoted && t is ExpositionToken.Comma or ExpositionToken.BraceClose)
            {
                // A quoted string on its own is the metric name.
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

                t = NextToken(b);
                continue;
            }

            if (b[start] == '"')
            {
                start++;
                end--;
            }

            AddOffsets(start, end);
            if (t != ExpositionToken.Equal)
            {
                throw ParseError(b, "expected equal", t);
            }

            t = NextToken(b);
            if (t != ExpositionToken.LabelValue)
            {
                throw ParseError(b, "expected label value", t);
            }

            var value = b[_lexer.Start.._lexer.Position];
            if (!Utf8.IsValid(value))
            {
                throw Error($"invalid UTF-8 label value: {LabelFormatting.GoQuote(value)}", _lexer.Start);
            }

            AddOffsets(_lexer.Start + 1, _lexer.Position - 1);

            // A trailing comma is allowed.
            t = NextToken(b);
            if (t == ExpositionToken.Comma)
            {
                t = NextToken(b);
            }
        }
    }

    /// <summary>The value and optional timestamp after the name and labels (upstream <c>parseMetricSuffix</c>).</summary>
    private ExpositionEntry ParseMetricSuffix(ReadOnlySpan<byte> b, ExpositionToken t)
    {
        if (_offsets[0] == -1)
        {
            throw Error($"metric name not set while parsing: {LabelFormatting.GoQuote(b[_entryStart.._lexer.Position])}", _entryStart);
        }

        if (t != ExpositionToken.Value)
        {
            throw ParseError(b, "expected value after metric", t);
        }

        if (!GoNumbers.TryParseExpositionFloat(b[_lexer.Start.._lexer.Position], out var value, out var error))
        {
            throw NumberError(b, error);
        }

        _value = double.IsNaN(value) ? BitConverter.UInt64BitsToDouble(StaleMarker.NormalNaNBits) : value;
        _hasTimestamp = false;
        t = NextToken(b);
        switch (t)
        {
            case ExpositionToken.Linebreak:
                break;
            case ExpositionToken.Timestamp:
                if (!GoNumbers.TryParseInt64(b[_lexer.Start.._lexer.Position], out _timestamp, out error))
                {
                    throw NumberError(b, error);
                }

                _hasTimestamp = true;
                t = NextToken(b);
                if (t != ExpositionToken.Linebreak)
                {
                    throw ParseError(b, "expected next entry after timestamp", t);
                }

                break;
            default:
                throw ParseError(b, "expected timestamp or new record", t);
        }

        return ExpositionEntry.Series;
    }
}
