namespace Serverless.Monitoring.Core.Exposition;

/// <summary>The text format 0.0.4 lexer (promlex.l). The input always ends with a newline.</summary>
internal partial struct ExpositionLexer
{
    public ExpositionToken LexPrometheusText(ReadOnlySpan<byte> b)
    {
        if (Position >= b.Length)
        {
            return ExpositionToken.Eof;
        }

        var c = b[Position];
        Start = Position;
        while (true)
        {
            switch (State)
            {
                case LexerState.Init:
                    if (c == '#')
                    {
                        c = Next(b);
                        if (c is not ((byte)' ' or (byte)'\t'))
                        {
                            // "#" alone: the whole line is a comment.
                            return ConsumeComment(b);
                        }

                        do
                        {
                            c = Next(b);
                        }
                        while (c is (byte)' ' or (byte)'\t');

                        State = LexerState.Comment;
                        continue;
                    }

                    if (IsMetricNameStart(c))
                    {
                        ScanMetricName(b);
                        State = LexerState.Value;
                        return ExpositionToken.MetricName;
                    }

                    switch (c)
                    {
                        case (byte)'\n':
                            Next(b);
                            State = LexerState.Init;
                            return ExpositionToken.Linebreak;
                        case (byte)' ' or (byte)'\t':
                            return ScanWhitespace(b);
                        case 0:
                            Next(b);
                            return ExpositionToken.Eof;
                        case (byte)'{':
                            Next(b);
                            State = LexerState.Labels;
                            return ExpositionToken.BraceOpen;
                        default:
                            return AbortPrometheusText(b);
                    }

                case LexerState.Comment:
                    switch (c)
                    {
                        case (byte)'H':
                            return MatchRest(b, "ELP"u8) && MatchMetadataWhitespace(b)
                                ? ExpositionToken.Help
                                : AbortPrometheusText(b);
                        case (byte)'T':
                            return MatchRest(b, "YPE"u8) && MatchMetadataWhitespace(b)
                                ? ExpositionToken.Type
                                : AbortPrometheusText(b);
                        case (byte)' ' or (byte)'\t':
                            return ScanWhitespace(b);
                        default:
                            return AbortPrometheusText(b);
                    }

                case LexerState.Meta1:
                    if (c == '"')
                    {
                        if (!ScanQuoted(b, newlineAllowed: true))
                        {
                            return AbortPrometheusText(b);
                        }

                        State = LexerState.Meta2;
                        return ExpositionToken.MetricName;
                    }

                    if (IsMetricNameStart(c))
                    {
                        ScanMetricName(b);
                        State = LexerState.Meta2;
                        return ExpositionToken.MetricName;
                    }

                    return c is (byte)' ' or (byte)'\t' ? ScanWhitespace(b) : AbortPrometheusText(b);

                case LexerState.Meta2:
                    return LexHelpText(b, c);

                case LexerState.Labels:
                    if (IsLabelNameStart(c))
                    {
                        ScanLabelName(b);
                        return ExpositionToken.LabelName;
                    }

                    switch (c)
                    {
                        case (byte)'"':
                            if (!ScanQuoted(b, newlineAllowed: true))
                            {
                                return AbortPrometheusText(b);
                            }

                            State = LexerState.Labels;
                            return ExpositionToken.QuotedString;
                        case (byte)',':
                            Next(b);
                            return ExpositionToken.Comma;
                        case (byte)'=':
                            Next(b);
                            State = LexerState.LabelValue;
                            return ExpositionToken.Equal;
                        case (byte)' ' or (byte)'\t':
                            return ScanWhitespace(b);
                        case (byte)'}':
                            Next(b);
                            State = LexerState.Value;
                            return ExpositionToken.BraceClose;
                        default:
                            return AbortPrometheusText(b);
                    }

                case LexerState.LabelValue:
                    if (c == '"')
                    {
                        if (!ScanQuoted(b, newlineAllowed: true))
                        {
                            return AbortPrometheusText(b);
                        }

                        State = LexerState.Labels;
                        return ExpositionToken.LabelValue;
                    }

                    return c is (byte)' ' or (byte)'\t' ? ScanWhitespace(b) : AbortPrometheusText(b);

                case LexerState.Value:
                    switch (c)
                    {
                        case (byte)' ' or (byte)'\t':
                            return ScanWhitespace(b);
                        case (byte)'{':
                            Next(b);
                            State = LexerState.Labels;
                            return ExpositionToken.BraceOpen;
                        case 0 or (byte)'\n':
                            return AbortPrometheusText(b);
                        default:
                            // [^{ \t\n]+ (and never NUL).
                            do
                            {
                                c = Next(b);
                            }
                            while (c is not (0 or (byte)'{' or (byte)' ' or (byte)'\t' or (byte)'\n'));

                            State = LexerState.Timestamp;
                            return ExpositionToken.Value;
                    }

                case LexerState.Timestamp:
                    switch (c)
                    {
                        case (byte)'\n':
                            Next(b);
                            State = LexerState.Init;
                            return ExpositionToken.Linebreak;
                        case (byte)' ' or (byte)'\t':
                            return ScanWhitespace(b);
                        case >= (byte)'0' and <= (byte)'9':
                            do
                            {
                                c = Next(b);
                            }
                            while (c is >= (byte)'0' and <= (byte)'9');

                            return ExpositionToken.Timestamp;
                        default:
                            return AbortPrometheusText(b);
                    }

                default:
                    return ExpositionToken.Invalid;
            }
        }
    }

    /// <summary>After HELP or TYPE: <c>[\t ]+</c>, then the state moves on to the metric name.</summary>
    private bool MatchMetadataWhitespace(ReadOnlySpan<byte> b)
    {
        var c = Next(b);
        if (c is not ((byte)' ' or (byte)'\t'))
        {
            return false;
        }

        do
        {
            c = Next(b);
        }
        while (c is (byte)' ' or (byte)'\t');

        State = LexerState.Meta1;
        return true;
    }

    /// <summary>
    /// Help or type text <c>[^\n]*</c> (possibly empty); whitespace alone before the newline is a
    /// whitespace token, as the longest-match rule has it.
    /// </summary>
    private ExpositionToken LexHelpText(ReadOnlySpan<byte> b, byte c)
    {
        if (c is (byte)' ' or (byte)'\t')
        {
            do
            {
                c = Next(b);
            }
            while (c is (byte)' ' or (byte)'\t');

            if (c is 0 or (byte)'\n')
            {
                return ExpositionToken.Whitespace;
            }
        }
        else if (c is 0 or (byte)'\n')
        {
            // The empty match.
            State = LexerState.Init;
            return ExpositionToken.Text;
        }

        // NULs are skipped in this state, so the text runs to the newline.
        var k = b[Position..].IndexOf((byte)'\n');
        Position = k < 0 ? b.Length : Position + k;
        State = LexerState.Init;
        return ExpositionToken.Text;
    }

    /// <summary>Consumes the rest of the line as a comment; a NUL that is not skipped ends the input.</summary>
    private ExpositionToken ConsumeComment(ReadOnlySpan<byte> b)
    {
        if (Position >= b.Length || b[Position] == 0)
        {
            return ExpositionToken.Eof;
        }

        var rest = b[Position..];
        var k = SkipsNul ? rest.IndexOf((byte)'\n') : rest.IndexOfAny((byte)'\n', (byte)0);
        if (k < 0)
        {
            Position = b.Length;
            return ExpositionToken.Eof;
        }

        Position += k;
        if (b[Position] == 0)
        {
            return ExpositionToken.Eof;
        }

        State = LexerState.Init;
        return ExpositionToken.Comment;
    }

    private ExpositionToken AbortPrometheusText(ReadOnlySpan<byte> b) =>
        State == LexerState.Comment ? ConsumeComment(b) : ExpositionToken.Invalid;
}
