using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Core.Alerting.Matchers;

/// <summary>
/// The UTF-8 matcher syntax of Alertmanager 0.27+ (<c>matchers/parse</c>): names and values are
/// either double-quoted Go strings or unquoted runs of non-reserved characters, braces are
/// optional but must pair, and errors carry rune columns (<c>0:3: unexpected …</c>) in upstream's words.
/// </summary>
internal static class Utf8MatcherParser
{
    private const string EndOfInput = "end of input";

    public static IReadOnlyList<LabelMatcher> ParseMatchers(string input) => new Parser(input).Parse();

    public static LabelMatcher ParseMatcher(string input)
    {
        var matchers = ParseMatchers(input);
        return matchers.Count switch
        {
            1 => matchers[0],
            0 => throw new FormatException("no matchers"),
            _ => throw new FormatException($"expected 1 matcher, found {matchers.Count}"),
        };
    }

    private enum TokenKind
    {
        Eof,
        OpenBrace,
        CloseBrace,
        Comma,
        Equals,
        NotEquals,
        Matches,
        NotMatches,
        Quoted,
        Unquoted,
    }

    private readonly record struct Token(TokenKind Kind, string Value, int ColumnStart, int ColumnEnd)
    {
        public string Unquote()
        {
            if (Kind != TokenKind.Quoted)
            {
                return Value;
            }

            return TryUnquoteUtf8(Value, out var s) ? s : throw new FormatException($"{ColumnStart}:{ColumnEnd}: {Value}: invalid input");
        }

        // Go's strconv.Unquote, then a check that the bytes are UTF-8: byte escapes (\xf0) may make them invalid.
        private static bool TryUnquoteUtf8(string literal, out string value)
        {
            value = string.Empty;
            if (literal.Length < 2 || literal[0] != '"' || literal[^1] != '"')
            {
                return false;
            }

            var body = literal.AsSpan(1, literal.Length - 2);
            var bytes = new List<byte>(body.Length);
            Span<byte> buffer = stackalloc byte[4];
            for (var i = 0; i < body.Length;)
            {
                if (body[i] == '\n' || !GoStrconv.TryUnquoteChar(body, ref i, '"', out var rune, out var isByte))
                {
                    return false;
                }

                if (isByte)
                {
                    bytes.Add((byte)rune);
                }
                else if (Rune.TryCreate(rune, out var r))
                {
                    var n = r.EncodeToUtf8(buffer);
                    for (var k = 0; k < n; k++)
                    {
                        bytes.Add(buffer[k]);
                    }
                }
                else
                {
                    return false;
                }
            }

            try
            {
                value = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
                return true;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }
    }

    /// <summary>A lexer or parser error; <see cref="IsEof"/> marks upstream's <c>errEOF</c>.</summary>
    private sealed class ParseError(string message, bool isEof = false) : Exception(message)
    {
        public bool IsEof { get; } = isEof;
    }

    private sealed class Lexer(string input)
    {
        private ParseError? _err;
        private int _start;
        private int _pos;
        private int _width;
        private int _column;
        private int _cols;

        public Token Scan()
        {
            if (_err is not null)
            {
                throw _err;
            }

            for (var r = Next(); r >= 0; r = Next())
            {
                switch (r)
                {
                    case '{': return Emit(TokenKind.OpenBrace);
                    case '}': return Emit(TokenKind.CloseBrace);
                    case ',': return Emit(TokenKind.Comma);
                    case '=' or '!':
                        Rewind();
                        return Guard(ScanOperator);
                    case '"':
                        Rewind();
                        return Guard(ScanQuoted);
                    default:
                        if (!IsReserved(r))
                        {
                            Rewind();
                            return ScanUnquoted();
                        }

                        if (IsSpace(r))
                        {
                            _start = _pos;
                            _column = _cols;
                            continue;
                        }

                        throw _err = new ParseError($"{_column}:{_cols}: {input[_start.._pos]}: invalid input");
                }
            }

            return new Token(TokenKind.Eof, string.Empty, _column, _cols);
        }

        public Token Peek()
        {
            var (start, pos, width, column, cols) = (_start, _pos, _width, _column, _cols);
            try
            {
                return Scan();
            }
            finally
            {
                (_start, _pos, _width, _column, _cols) = (start, pos, width, column, cols);
            }
        }

        public int ColumnEnd => _cols;

        private Token Guard(Func<Token> scan)
        {
            try
            {
                return scan();
            }
            catch (ParseError e)
            {
                _err = e;
                throw;
            }
        }

        private Token ScanOperator()
        {
            if (Accept('!'))
            {
                if (Accept('='))
                {
                    return Emit(TokenKind.NotEquals);
                }

                if (Accept('~'))
                {
                    return Emit(TokenKind.NotMatches);
                }

                throw Expected("=~");
            }

            if (Accept('='))
            {
                return Emit(Accept('~') ? TokenKind.Matches : TokenKind.Equals);
            }

            throw Expected("!=");
        }

        private Token ScanQuoted()
        {
            if (!Accept('"'))
            {
                throw Expected("\"");
            }

            var escaped = false;
            for (var r = Next(); r >= 0; r = Next())
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (r == '\\')
                {
                    escaped = true;
                }
                else if (r == '"')
                {
                    Rewind();
                    break;
                }
            }

            if (!Accept('"'))
            {
                throw new ParseError($"{_column}:{_cols}: {input[_start.._pos]}: missing end \"");
            }

            return Emit(TokenKind.Quoted);
        }

        private Token ScanUnquoted()
        {
            for (var r = Next(); r >= 0; r = Next())
            {
                if (IsReserved(r))
                {
                    Rewind();
                    break;
                }
            }

            return Emit(TokenKind.Unquoted);
        }

        private ParseError Expected(string expected) => _pos >= input.Length
            ? new ParseError($"{_column}:{_cols}: unexpected end of input, expected one of '{expected}'")
            : new ParseError($"{_column}:{_cols}: {input[_start.._pos]}: expected one of '{expected}'");

        private bool Accept(char valid)
        {
            if (Next() == valid)
            {
                return true;
            }

            Rewind();
            return false;
        }

        private Token Emit(TokenKind kind)
        {
            var t = new Token(kind, input[_start.._pos], _column, _cols);
            _start = _pos;
            _column = _cols;
            return t;
        }

        // One rune (a surrogate pair counts as one column, as Go counts runes); -1 at the end.
        private int Next()
        {
            if (_pos >= input.Length)
            {
                _width = 0;
                return -1;
            }

            int r;
            if (char.IsHighSurrogate(input[_pos]) && _pos + 1 < input.Length && char.IsLowSurrogate(input[_pos + 1]))
            {
                r = char.ConvertToUtf32(input[_pos], input[_pos + 1]);
                _width = 2;
            }
            else
            {
                r = input[_pos];
                _width = 1;
            }

            _pos += _width;
            _cols++;
            return r;
        }

        private void Rewind()
        {
            _pos -= _width;
            if (_width > 0)
            {
                _cols--;
            }
        }

        private static bool IsSpace(int r) => r <= 0xFFFF ? char.IsWhiteSpace((char)r) : false;

        private static bool IsReserved(int r) => IsSpace(r) || r is '{' or '}' or '!' or '=' or '~' or ',' or '\\' or '"' or '\'' or '`';
    }

    private sealed class Parser(string input)
    {
        private readonly Lexer _lexer = new(input);
        private readonly List<LabelMatcher> _matchers = [];
        private bool _hasOpenBrace;

        public List<LabelMatcher> Parse()
        {
            try
            {
                Func<object?>? next = OpenBrace;
                while (next is not null)
                {
                    next = (Func<object?>?)next();
                }

                return _matchers;
            }
            catch (ParseError e)
            {
                throw new FormatException(e.Message);
            }
        }

        private object? OpenBrace()
        {
            try
            {
                _hasOpenBrace = Accept(TokenKind.OpenBrace);
            }
            catch (ParseError e) when (e.IsEof)
            {
                return (Func<object?>)Eof;
            }

            try
            {
                return AcceptPeek(TokenKind.CloseBrace) ? (Func<object?>)CloseBrace : Matcher;
            }
            catch (ParseError e) when (e.IsEof)
            {
                return (Func<object?>)CloseBrace;
            }
        }

        private object? CloseBrace()
        {
            if (_hasOpenBrace)
            {
                try
                {
                    Expect(TokenKind.CloseBrace);
                }
                catch (ParseError e)
                {
                    throw new ParseError($"0:{_lexer.ColumnEnd}: {e.Message}: expected close brace");
                }
            }
            else
            {
                bool closed;
                try
                {
                    Expect(TokenKind.CloseBrace);
                    closed = true;
                }
                catch (ParseError)
                {
                    closed = false;
                }

                if (closed)
                {
                    throw new ParseError($"0:{_lexer.ColumnEnd}: }}: expected opening brace");
                }
            }

            return (Func<object?>)Eof;
        }

        private object? Matcher()
        {
            var t = Wrap(() => Expect(TokenKind.Quoted, TokenKind.Unquoted), "expected label name");
            var name = t.Unquote();
            t = Wrap(() => Expect(TokenKind.Equals, TokenKind.NotEquals, TokenKind.Matches, TokenKind.NotMatches),
                "expected an operator such as '=', '!=', '=~' or '!~'");
            var type = t.Kind switch
            {
                TokenKind.Equals => LabelMatchType.Equal,
                TokenKind.NotEquals => LabelMatchType.NotEqual,
                TokenKind.Matches => LabelMatchType.RegexMatch,
                _ => LabelMatchType.RegexNoMatch,
            };
            t = Wrap(() => Expect(TokenKind.Unquoted, TokenKind.Quoted), "expected label value");
            var value = t.Unquote();
            if (name.Length == 0)
            {
                throw new ParseError($"{t.ColumnStart}:{t.ColumnEnd}: {t.Value}: invalid input");
            }

            _matchers.Add(MatcherFactory.Create(type, name, value, "failed to create matcher: "));
            return (Func<object?>)EndOfMatcher;
        }

        private object? EndOfMatcher()
        {
            Token t;
            try
            {
                t = ExpectPeek(TokenKind.Comma, TokenKind.CloseBrace);
            }
            catch (ParseError e) when (e.IsEof)
            {
                return (Func<object?>)CloseBrace;
            }
            catch (ParseError e)
            {
                throw new ParseError($"{e.Message}: expected a comma or close brace");
            }

            return t.Kind == TokenKind.Comma ? (Func<object?>)Comma : CloseBrace;
        }

        private object? Comma()
        {
            Wrap(() => Expect(TokenKind.Comma), "expected a comma");
            Token t;
            try
            {
                t = ExpectPeek(TokenKind.CloseBrace, TokenKind.Unquoted, TokenKind.Quoted);
            }
            catch (ParseError e) when (e.IsEof)
            {
                return (Func<object?>)CloseBrace;
            }
            catch (ParseError e)
            {
                throw new ParseError($"{e.Message}: expected a matcher or close brace after comma");
            }

            return t.Kind == TokenKind.CloseBrace ? (Func<object?>)CloseBrace : Matcher;
        }

        private object? Eof()
        {
            Token t;
            try
            {
                t = _lexer.Scan();
            }
            catch (ParseError e)
            {
                throw new ParseError($"{e.Message}: expected end of input");
            }

            if (t.Kind != TokenKind.Eof)
            {
                throw new ParseError($"{t.ColumnStart}:{t.ColumnEnd}: {t.Value}: expected end of input");
            }

            return null;
        }

        private static Token Wrap(Func<Token> f, string what)
        {
            try
            {
                return f();
            }
            catch (ParseError e)
            {
                throw new ParseError($"{e.Message}: {what}");
            }
        }

        private bool Accept(TokenKind kind)
        {
            var ok = AcceptPeek(kind);
            if (ok)
            {
                _lexer.Scan();
            }

            return ok;
        }

        private bool AcceptPeek(TokenKind kind)
        {
            var t = _lexer.Peek();
            return t.Kind == TokenKind.Eof ? throw new ParseError(EndOfInput, isEof: true) : t.Kind == kind;
        }

        private Token Expect(params TokenKind[] kinds)
        {
            var t = ExpectPeek(kinds);
            _lexer.Scan();
            return t;
        }

        private Token ExpectPeek(params TokenKind[] kinds)
        {
            var t = _lexer.Peek();
            if (t.Kind == TokenKind.Eof)
            {
                throw new ParseError(EndOfInput, isEof: true);
            }

            return Array.IndexOf(kinds, t.Kind) >= 0 ? t : throw new ParseError($"{t.ColumnStart}:{t.ColumnEnd}: unexpected {t.Value}");
        }
    }
}
