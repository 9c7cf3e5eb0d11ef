namespace Serverless.Monitoring.Core.Exposition;

/// <summary>The OpenMetrics 1.0 text lexer (openmetricslex.l): single spaces, no comments but metadata.</summary>
internal partial struct ExpositionLexer
{
    public ExpositionToken LexOpenMetrics(ReadOnlySpan<byte> b)
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
                    if (IsMetricNameStart(c))
                    {
                        ScanMetricName(b);
                        State = LexerState.Value;
                        return ExpositionToken.MetricName;
                    }

                    if (c == '{')
                    {
                        Next(b);
                        State = LexerState.Labels;
                        return ExpositionToken.BraceOpen;
                    }

                    if (c == '#' && Next(b) == ' ')
                    {
                        c = Next(b);
                        State = LexerState.Comment;
                        continue;
                    }

                    return ExpositionToken.Invalid;

                case LexerState.Comment:
                    switch (c)
                    {
                        case (byte)'E':
                            if (!MatchRest(b, "OF"u8))
                            {
                                return ExpositionToken.Invalid;
                            }

                            if (Next(b) == '\n')
                            {
                                Next(b);
                            }

                            State = LexerState.Init;
                            return ExpositionToken.EofWord;
                        case (byte)'H':
                            return MatchKeyword(b, "ELP "u8) ? ExpositionToken.Help : ExpositionToken.Invalid;
                        case (byte)'T':
                            return MatchKeyword(b, "YPE "u8) ? ExpositionToken.Type : ExpositionToken.Invalid;
                        case (byte)'U':
                            return MatchKeyword(b, "NIT "u8) ? ExpositionToken.Unit : ExpositionToken.Invalid;
                        default:
                            return ExpositionToken.Invalid;
                    }

                case LexerState.Meta1:
                    if (c == '"')
                    {
                        if (!ScanQuoted(b, newlineAllowed: true))
                        {
                            return ExpositionToken.Invalid;
                        }
                    }
                    else if (IsMetricNameStart(c))
                    {
                        ScanMetricName(b);
                    }
                    else
                    {
                        return ExpositionToken.Invalid;
                    }

                    State = LexerState.Meta2;
                    return ExpositionToken.MetricName;

                case LexerState.Meta2:
                    // " " then [^\n]* then "\n" (NULs are skipped in this state).
                    if (c != ' ')
                    {
                        return ExpositionToken.Invalid;
                    }

                    var newline = b[Position..].IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        Position = b.Length;
                        return ExpositionToken.Invalid;
                    }

                    Position += newline;
                    Next(b);
                    State = LexerState.Init;
                    return ExpositionToken.Text;

                case LexerState.Labels:
                case LexerState.Exemplar:
                    return LexOpenMetricsLabels(b, c);

                case LexerState.LabelValue:
                    if (c != '"' || !ScanQuoted(b, newlineAllowed: false))
                    {
                        return ExpositionToken.Invalid;
                    }

                    State = LexerState.Labels;
                    return ExpositionToken.LabelValue;

                case LexerState.Value:
                    if (c == '{')
                    {
                        Next(b);
                        State = LexerState.Labels;
                        return ExpositionToken.BraceOpen;
                    }

                    if (c == ' ' && ScanSpaceAndWord(b))
                    {
                        State = LexerState.Timestamp;
                        return ExpositionToken.Value;
                    }

                    return ExpositionToken.Invalid;

                case LexerState.Timestamp:
                    return LexOpenMetricsTimestamp(b, c);

                case LexerState.ExemplarValue:
                    if (c == ' ')
                    {
                        if (!ScanSpaceAndWord(b))
                        {
                            return ExpositionToken.Invalid;
                        }

                        State = LexerState.ExemplarTimestamp;
                        return ExpositionToken.Value;
                    }

                    if (c == '"' && ScanQuoted(b, newlineAllowed: false))
                    {
                        State = LexerState.Exemplar;
                        return ExpositionToken.LabelValue;
                    }

                    return ExpositionToken.Invalid;

                case LexerState.ExemplarTimestamp:
                    if (c == '\n')
                    {
                        Next(b);
                        State = LexerState.Init;
                        return ExpositionToken.Linebreak;
                    }

                    return c == ' ' && ScanSpaceAndWord(b) ? ExpositionToken.Timestamp : ExpositionToken.Invalid;

                default:
                    return ExpositionToken.Invalid;
            }
        }
    }

    /// <summary>Labels of a series (<c>sLabels</c>) or of an exemplar (<c>sExemplar</c>).</summary>
    private ExpositionToken LexOpenMetricsLabels(ReadOnlySpan<byte> b, byte c)
    {
        var exemplar = State == LexerState.Exemplar;
        if (IsLabelNameStart(c))
        {
            ScanLabelName(b);
            return ExpositionToken.LabelName;
        }

        switch (c)
        {
            case (byte)'"':
                // Series label names may span lines when quoted; exemplar ones may not.
                return ScanQuoted(b, newlineAllowed: !exemplar) ? ExpositionToken.QuotedString : ExpositionToken.Invalid;
            case (byte)',':
                Next(b);
                return ExpositionToken.Comma;
            case (byte)'=':
                Next(b);
                State = exemplar ? LexerState.ExemplarValue : LexerState.LabelValue;
                return ExpositionToken.Equal;
            case (byte)'}':
                Next(b);
                State = exemplar ? LexerState.ExemplarValue : LexerState.Value;
                return ExpositionToken.BraceClose;
            default:
                return ExpositionToken.Invalid;
        }
    }

    /// <summary>After the value: <c> timestamp</c>, a newline, or <c> # {</c> opening an exemplar.</summary>
    private ExpositionToken LexOpenMetricsTimestamp(ReadOnlySpan<byte> b, byte c)
    {
        if (c == '\n')
        {
            Next(b);
            State = LexerState.Init;
            return ExpositionToken.Linebreak;
        }

        if (c != ' ')
        {
            return ExpositionToken.Invalid;
        }

        c = Next(b);
        if (c == '#')
        {
            c = Next(b);
            if (c == ' ')
            {
                // " # " commits to an exemplar: no backtracking to the timestamp " #".
                if (Next(b) != '{')
                {
                    return ExpositionToken.Invalid;
                }

                Next(b);
                State = LexerState.Exemplar;
                return ExpositionToken.Comment;
            }

            SkipWord(b, c);
            return ExpositionToken.Timestamp;
        }

        if (!IsWordByte(c))
        {
            return ExpositionToken.Invalid;
        }

        SkipWord(b, c);
        return ExpositionToken.Timestamp;
    }

    /// <summary>At a space: <c> [^ \n]+</c> (never NUL); false (abort) when no word follows.</summary>
    private bool ScanSpaceAndWord(ReadOnlySpan<byte> b)
    {
        var c = Next(b);
        if (!IsWordByte(c))
        {
            return false;
        }

        SkipWord(b, c);
        return true;
    }

    private void SkipWord(ReadOnlySpan<byte> b, byte c)
    {
        while (IsWordByte(c))
        {
            c = Next(b);
        }
    }

    private static bool IsWordByte(byte c) => c is not (0 or (byte)' ' or (byte)'\n');

    /// <summary>Matches e.g. <c>ELP </c> after <c>H</c>, then moves on to the metric name.</summary>
    private bool MatchKeyword(ReadOnlySpan<byte> b, ReadOnlySpan<byte> rest)
    {
        if (!MatchRest(b, rest))
        {
            return false;
        }

        Next(b);
        State = LexerState.Meta1;
        return true;
    }
}
