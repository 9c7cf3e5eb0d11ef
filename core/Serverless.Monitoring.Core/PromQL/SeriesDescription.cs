using System.Globalization;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL;

/// <summary>One expanded step of a series description: a value, or a missing step.</summary>
/// <remarks><see cref="NativeHistogram"/> marks a <c>{{...}}</c> step (its value is not parsed; <see cref="Value"/> is NaN).</remarks>
public readonly record struct SequenceValue(double Value, bool Omitted = false, bool NativeHistogram = false);

/// <summary>
/// Upstream's <c>ParseSeriesDesc</c> for test scripts: <c>metric{a="b"} 1+2x3 _ stale -1-1x2 _x3</c>
/// becomes a label set and the expanded values (<c>1+2x3</c> is 1 3 5 7, <c>_x3</c> three missing
/// steps, <c>stale</c> the staleness marker). Native histogram values (<c>{{...}}</c>) are
/// rejected with <see cref="NativeHistogramsUnsupported"/> so a runner can skip those cases.
/// </summary>
public static class SeriesDescription
{
    /// <summary>The error text for <c>{{...}}</c> values.</summary>
    public const string NativeHistogramsUnsupported = "native histogram values are not supported";

    /// <summary>Parses a series description.</summary>
    /// <exception cref="PromQLParseException">Malformed input, or native histogram values.</exception>
    public static (LabelSet Labels, IReadOnlyList<SequenceValue> Values) Parse(string input) => Parse(input, nativeHistogramSteps: false);

    /// <summary>
    /// Parses a series description; with <paramref name="nativeHistogramSteps"/> a native histogram item
    /// (<c>{{...}}</c>, <c>{{...}}x3</c>, <c>{{...}}+{{...}}x3</c>) becomes that many steps flagged
    /// <see cref="SequenceValue.NativeHistogram"/> instead of an error, so that a runner can tell which
    /// steps of a series hold native histograms.
    /// </summary>
    public static (LabelSet Labels, IReadOnlyList<SequenceValue> Values) Parse(string input, bool nativeHistogramSteps)
    {
        ArgumentNullException.ThrowIfNull(input);
        var pos = 0;
        while (pos < input.Length && Lexer.IsSpace(input[pos]))
        {
            pos++;
        }

        var builder = new LabelSetBuilder();
        var nameStart = pos;
        while (pos < input.Length && (Lexer.IsAlphaNumeric(input[pos]) || input[pos] == ':'))
        {
            pos++;
        }

        if (pos > nameStart)
        {
            builder.Set(LabelValidation.MetricNameLabel, input[nameStart..pos]);
        }

        if (pos < input.Length && input[pos] == '{')
        {
            pos = ParseLabels(input, pos, builder);
        }
        else if (pos == nameStart)
        {
            throw new PromQLParseException(input, new PositionRange(pos, pos), "unexpected character in series description: expected metric name or \"{\"");
        }

        var values = new List<SequenceValue>();
        while (pos < input.Length)
        {
            if (Lexer.IsSpace(input[pos]))
            {
                pos++;
                continue;
            }

            var start = pos;
            if (input[pos] == '{')
            {
                if (!nativeHistogramSteps)
                {
                    throw new PromQLParseException(input, new PositionRange(pos, pos + 1), NativeHistogramsUnsupported);
                }

                pos = SkipNativeHistogramItem(input, pos, values);
                continue;
            }

            while (pos < input.Length && !Lexer.IsSpace(input[pos]))
            {
                pos++;
            }

            ExpandItem(input, start, pos, values);
        }

        LabelSet labels;
        try
        {
            labels = builder.Build();
        }
        catch (InvalidLabelsException ex)
        {
            throw new PromQLParseException(input, new PositionRange(0, input.Length), ex.Message);
        }

        return (labels, values);
    }

    /// <summary>Skips one native histogram item from <paramref name="start"/>, adding its steps; returns the position after it.</summary>
    private static int SkipNativeHistogramItem(string input, int start, List<SequenceValue> values)
    {
        var pos = start;
        while (pos < input.Length && input[pos] == '{')
        {
            var close = input.IndexOf("}}", pos, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new PromQLParseException(input, new PositionRange(pos, input.Length), "unterminated native histogram");
            }

            pos = close + 2;
            if (pos + 1 < input.Length && input[pos] is '+' or '-' && input[pos + 1] == '{')
            {
                pos++;
            }
        }

        var steps = 1;
        if (pos < input.Length && input[pos] == 'x')
        {
            var end = pos + 1;
            while (end < input.Length && char.IsAsciiDigit(input[end]))
            {
                end++;
            }

            if (!int.TryParse(input.AsSpan(pos + 1, end - pos - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var times))
            {
                throw new PromQLParseException(input, new PositionRange(pos, end), "bad repetition of a native histogram");
            }

            steps = times + 1;
            pos = end;
        }

        for (var i = 0; i < steps; i++)
        {
            values.Add(new SequenceValue(double.NaN, NativeHistogram: true));
        }

        return pos;
    }

    /// <summary>True when the description has native histogram values.</summary>
    public static bool HasNativeHistograms(string input) =>
        input is not null && input.Contains("{{", StringComparison.Ordinal);

    private static int ParseLabels(string input, int open, LabelSetBuilder builder)
    {
        var close = FindClosingBrace(input, open);
        var lexer = new Lexer(input[open..(close + 1)]);
        var body = lexer.Input;
        var t = lexer.Next();
        PromQLParseException Err(Token tok, string expected) =>
            new(input, new PositionRange(open + tok.Start, open + tok.End), tok.Kind == TokenKind.Error ? tok.Error ?? "error" : $"unexpected {tok.Describe(body)} in label set, expected {expected}");

        t = lexer.Next();
        while (t.Kind != TokenKind.RightBrace)
        {
            if (t.Kind is not (TokenKind.Identifier or TokenKind.String))
            {
                throw Err(t, "identifier or \"}\"");
            }

            var name = t.Kind == TokenKind.String ? StringLiterals.Unquote(t.Span(body)) : t.Text(body);
            var eq = lexer.Next();
            if (eq.Kind != TokenKind.Assign)
            {
                throw Err(eq, "\"=\"");
            }

            var v = lexer.Next();
            if (v.Kind != TokenKind.String)
            {
                throw Err(v, "string");
            }

            builder.Set(name, StringLiterals.Unquote(v.Span(body)));
            t = lexer.Next();
            if (t.Kind == TokenKind.Comma)
            {
                t = lexer.Next();
            }
            else if (t.Kind != TokenKind.RightBrace)
            {
                throw Err(t, "\",\" or \"}\"");
            }
        }

        return close + 1;
    }

    private static int FindClosingBrace(string input, int open)
    {
        char quote = '\0';
        for (var i = open + 1; i < input.Length; i++)
        {
            var c = input[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote != '`')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'' or '`')
            {
                quote = c;
            }
            else if (c == '}')
            {
                return i;
            }
        }

        throw new PromQLParseException(input, new PositionRange(open, input.Length), "unexpected end of input inside braces");
    }

    private static void ExpandItem(string input, int start, int end, List<SequenceValue> values)
    {
        var item = input[start..end];
        PromQLParseException Err(string message) => new(input, new PositionRange(start, end), message);
        if (item == "_")
        {
            values.Add(new SequenceValue(0, Omitted: true));
            return;
        }

        if (item.StartsWith("_x", StringComparison.Ordinal))
        {
            var n = ParseTimes(item[2..]) ?? throw Err($"unexpected {Printer.GoQuote(item)} in series values, expected number or \"stale\"");
            for (var i = 0UL; i < n; i++)
            {
                values.Add(new SequenceValue(0, Omitted: true));
            }

            return;
        }

        if (item == "stale")
        {
            values.Add(new SequenceValue(StaleMarker.Value));
            return;
        }

        var i0 = 0;
        var first = ReadNumber(item, ref i0) ?? throw Err($"unexpected {Printer.GoQuote(item)} in series values, expected number or \"stale\"");
        if (i0 == item.Length)
        {
            values.Add(new SequenceValue(first));
            return;
        }

        var increment = 0.0;
        if (item[i0] is '+' or '-')
        {
            increment = ReadNumber(item, ref i0) ?? throw Err($"bad increment in series values: {Printer.GoQuote(item)}");
        }

        if (i0 >= item.Length || item[i0] != 'x')
        {
            throw Err($"unexpected {Printer.GoQuote(item)} in series values, expected number or \"stale\"");
        }

        var times = ParseTimes(item[(i0 + 1)..]) ?? throw Err($"bad repetition count in series values: {Printer.GoQuote(item)}");
        var cur = first;
        for (var k = 0UL; k <= times; k++)
        {
            values.Add(new SequenceValue(cur));
            cur += increment;
        }
    }

    private static ulong? ParseTimes(string s) =>
        ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Reads <c>[+-]?(number|Inf|NaN)</c> at <paramref name="i"/>, stopping before a sign that is not an exponent's, or <c>x</c>.</summary>
    private static double? ReadNumber(string s, ref int i)
    {
        var start = i;
        if (i < s.Length && s[i] is '+' or '-')
        {
            i++;
        }

        var bodyStart = i;
        while (i < s.Length)
        {
            var c = s[i];
            if (c is '+' or '-')
            {
                if (i > bodyStart && s[i - 1] is 'e' or 'E' && !IsSpecialPrefix(s, bodyStart, i))
                {
                    i++;
                    continue;
                }

                break;
            }

            if (c == 'x' && i > bodyStart)
            {
                break;
            }

            i++;
        }

        var text = s[start..i];
        if (i == bodyStart)
        {
            return null;
        }

        return Parser.TryParseGoNumber(text, out var v, out _) && !text.Contains('x', StringComparison.OrdinalIgnoreCase) ? v : null;
    }

    private static bool IsSpecialPrefix(string s, int bodyStart, int i)
    {
        var word = s[bodyStart..i];
        return word.Equals("inf", StringComparison.OrdinalIgnoreCase) || word.Equals("nan", StringComparison.OrdinalIgnoreCase);
    }
}
