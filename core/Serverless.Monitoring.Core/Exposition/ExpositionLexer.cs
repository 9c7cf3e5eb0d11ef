using System.Buffers;
using System.Runtime.CompilerServices;

namespace Serverless.Monitoring.Core.Exposition;

/// <summary>
/// A hand-written equivalent of the golex-generated lexers behind Prometheus's text parsers
/// (promlex.l, openmetricslex.l): the same tokens from the same bytes, the same longest match
/// without backtracking (a failed partial match is <see cref="ExpositionToken.Invalid"/> at
/// the failing byte), the same treatment of NUL bytes. Matching them byte for byte keeps error
/// messages identical to Prometheus's. The cursor works on spans; nothing here allocates.
/// </summary>
/// <remarks>
/// <see cref="Position"/> is the lexer's <c>l.i</c> (one past the last byte of the token just
/// read, or the failing byte after <see cref="ExpositionToken.Invalid"/>); <see cref="Start"/> is
/// <c>l.start</c>, the first byte of the token (kept from the previous token on end of input).
/// </remarks>
internal partial struct ExpositionLexer
{
    private const byte MetricNameStartFlag = 1;
    private const byte MetricNameFlag = 2;
    private const byte LabelNameStartFlag = 4;
    private const byte LabelNameFlag = 8;

    private static readonly byte[] Classes = BuildClasses();

    // Where a quoted string can stop: the closing quote, an escape, and the bytes the state's
    // character class excludes. NUL is transparent in states that skip it (see Next).
    private static readonly SearchValues<byte> QuoteStops = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> QuoteStopsNoNewline = SearchValues.Create("\"\\\n"u8);
    private static readonly SearchValues<byte> QuoteStopsNul = SearchValues.Create("\"\\\0"u8);
    private static readonly SearchValues<byte> QuoteStopsNulNoNewline = SearchValues.Create("\"\\\0\n"u8);

    public int Position;
    public int Start;
    public LexerState State;

    public void Reset()
    {
        Position = 0;
        Start = 0;
        State = LexerState.Init;
    }

    /// <summary>The states in which the lexers step over NUL bytes (label values, help text, comments).</summary>
    private readonly bool SkipsNul => State is LexerState.LabelValue or LexerState.Meta2 or LexerState.Comment;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsMetricNameStart(byte c) => (Classes[c] & MetricNameStartFlag) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsLabelNameStart(byte c) => (Classes[c] & LabelNameStartFlag) != 0;

    /// <summary>Advances one byte and returns it (0 at the end), stepping over NULs where the state allows them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte Next(ReadOnlySpan<byte> b)
    {
        var i = ++Position;
        if ((uint)i >= (uint)b.Length)
        {
            return 0;
        }

        var c = b[i];
        return c == 0 && SkipsNul ? SkipNul(b) : c;
    }

    private byte SkipNul(ReadOnlySpan<byte> b)
    {
        var i = Position;
        while (i < b.Length && b[i] == 0)
        {
            i++;
        }

        Position = i;
        return i < b.Length ? b[i] : (byte)0;
    }

    /// <summary>At a name's first byte: advances past <c>[a-zA-Z0-9_:]*</c> (or without <c>:</c> for label names).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ScanName(ReadOnlySpan<byte> b, byte flag)
    {
        var i = Position + 1;
        var classes = Classes;
        while ((uint)i < (uint)b.Length && (classes[b[i]] & flag) != 0)
        {
            i++;
        }

        // The byte after a name is read with next() upstream: NULs are skipped in some states.
        Position = i - 1;
        Next(b);
    }

    private void ScanMetricName(ReadOnlySpan<byte> b) => ScanName(b, MetricNameFlag);

    private void ScanLabelName(ReadOnlySpan<byte> b) => ScanName(b, LabelNameFlag);

    /// <summary>
    /// At an opening quote: matches <c>"(\\.|[^\\"])*"</c> where the class also excludes NUL
    /// (unless the state skips it) and, when <paramref name="newlineAllowed"/> is false, newline.
    /// True with <see cref="Position"/> after the closing quote; false (abort) at the failing byte.
    /// </summary>
    private bool ScanQuoted(ReadOnlySpan<byte> b, bool newlineAllowed)
    {
        var stops = SkipsNul
            ? newlineAllowed ? QuoteStops : QuoteStopsNoNewline
            : newlineAllowed ? QuoteStopsNul : QuoteStopsNulNoNewline;
        var i = Position + 1;
        while (true)
        {
            var k = (uint)i < (uint)b.Length ? b[i..].IndexOfAny(stops) : -1;
            if (k < 0)
            {
                Position = b.Length;
                return false;
            }

            i += k;
            Position = i;
            switch (b[i])
            {
                case (byte)'"':
                    Next(b);
                    return true;
                case (byte)'\\':
                    // \\. where . is any byte but newline and NUL.
                    var escaped = Next(b);
                    if (escaped is 0 or (byte)'\n')
                    {
                        return false;
                    }

                    i = Position + 1;
                    continue;
                default:
                    return false;
            }
        }
    }

    /// <summary>Text format whitespace <c>[ \t]+</c>, at its first byte.</summary>
    private ExpositionToken ScanWhitespace(ReadOnlySpan<byte> b)
    {
        byte c;
        do
        {
            c = Next(b);
        }
        while (c is (byte)' ' or (byte)'\t');

        return ExpositionToken.Whitespace;
    }

    /// <summary>Matches the rest of a keyword (e.g. <c>ELP</c> after <c>H</c>); false (abort) at the first mismatch.</summary>
    private bool MatchRest(ReadOnlySpan<byte> b, ReadOnlySpan<byte> rest)
    {
        foreach (var expected in rest)
        {
            if (Next(b) != expected)
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] BuildClasses()
    {
        var classes = new byte[256];
        for (var c = 0; c < 256; c++)
        {
            var letter = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' || c == '_';
            var digit = c is >= '0' and <= '9';
            byte flags = 0;
            if (letter || c == ':')
            {
                flags |= MetricNameStartFlag;
            }

            if (letter || digit || c == ':')
            {
                flags |= MetricNameFlag;
            }

            if (letter)
            {
                flags |= LabelNameStartFlag;
            }

            if (letter || digit)
            {
                flags |= LabelNameFlag;
            }

            classes[c] = flags;
        }

        return classes;
    }
}
