using System.Globalization;

namespace Serverless.Monitoring.Core.PromQL;

/// <summary>
/// PromQL's lexer, hand-written after upstream's state machine (<c>promql/parser/lex.go</c>):
/// keywords only outside braces, durations and colons only inside brackets, a lexical error is
/// an <see cref="TokenKind.Error"/> token carrying upstream's message, after which the lexer
/// only returns <see cref="TokenKind.Eof"/>. Tokens are spans into the input.
/// </summary>
public sealed class Lexer
{
    private readonly string _input;
    private int _pos;
    private int _parenDepth;
    private bool _braceOpen;
    private bool _bracketOpen;
    private bool _gotColon;
    private bool _failed;

    /// <summary>Creates a lexer over <paramref name="input"/>.</summary>
    public Lexer(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
    }

    /// <summary>The input.</summary>
    public string Input => _input;

    /// <summary>All tokens up to and including the first <see cref="TokenKind.Eof"/> or <see cref="TokenKind.Error"/>, comments included.</summary>
    public static List<Token> Tokenize(string input)
    {
        var lexer = new Lexer(input);
        var tokens = new List<Token>();
        while (true)
        {
            var t = lexer.Next();
            tokens.Add(t);
            if (t.Kind is TokenKind.Eof or TokenKind.Error)
            {
                return tokens;
            }
        }
    }

    /// <summary>The next token (comments included).</summary>
    public Token Next()
    {
        if (_failed)
        {
            return new Token(TokenKind.Eof, _input.Length, _input.Length);
        }

        var t = Scan();
        if (t.Kind == TokenKind.Error)
        {
            _failed = true;
        }

        return t;
    }

    private Token Scan()
    {
        while (true)
        {
            while (_pos < _input.Length && IsSpace(_input[_pos]))
            {
                _pos++;
            }

            var start = _pos;
            if (_pos < _input.Length && _input[_pos] == '#' && !_bracketOpen)
            {
                while (_pos < _input.Length && _input[_pos] is not ('\n' or '\r'))
                {
                    _pos++;
                }

                return new Token(TokenKind.Comment, start, _pos);
            }

            if (_braceOpen)
            {
                return ScanInsideBraces(start);
            }

            if (_bracketOpen)
            {
                return ScanInsideBrackets(start);
            }

            return ScanStatement(start);
        }
    }

    private Token ScanStatement(int start)
    {
        if (_pos >= _input.Length)
        {
            if (_parenDepth != 0)
            {
                return Fail(start, "unclosed left parenthesis");
            }

            return new Token(TokenKind.Eof, start, start);
        }

        var c = _input[_pos++];
        switch (c)
        {
            case ',': return Emit(TokenKind.Comma, start);
            case '*': return Emit(TokenKind.Mul, start);
            case '/': return Emit(TokenKind.Div, start);
            case '%': return Emit(TokenKind.Mod, start);
            case '+': return Emit(TokenKind.Add, start);
            case '-': return Emit(TokenKind.Sub, start);
            case '^': return Emit(TokenKind.Pow, start);
            case '@': return Emit(TokenKind.At, start);
            case '=':
                if (Peek() == '=')
                {
                    _pos++;
                    return Emit(TokenKind.Eqlc, start);
                }

                if (Peek() == '~')
                {
                    return Fail(start, $"unexpected character after '=': {QuoteRune(Peek())}");
                }

                return Emit(TokenKind.Assign, start);
            case '!':
                {
                    var n = Peek();
                    _pos = Math.Min(_pos + 1, _input.Length);
                    if (n != '=')
                    {
                        return Fail(start, $"unexpected character after '!': {QuoteRune(n)}");
                    }

                    return Emit(TokenKind.Neq, start);
                }

            case '<':
                if (Peek() == '=')
                {
                    _pos++;
                    return Emit(TokenKind.Lte, start);
                }

                if (Peek() == '/')
                {
                    _pos++;
                    return Emit(TokenKind.TrimUpper, start);
                }

                return Emit(TokenKind.Lss, start);
            case '>':
                if (Peek() == '=')
                {
                    _pos++;
                    return Emit(TokenKind.Gte, start);
                }

                if (Peek() == '/')
                {
                    _pos++;
                    return Emit(TokenKind.TrimLower, start);
                }

                return Emit(TokenKind.Gtr, start);
            case '"' or '\'':
                return ScanString(start, c);
            case '`':
                return ScanRawString(start);
            case '(':
                _parenDepth++;
                return Emit(TokenKind.LeftParen, start);
            case ')':
                _parenDepth--;
                if (_parenDepth < 0)
                {
                    // Upstream emits the parenthesis first, so the error sits just after it.
                    return Fail(_pos, "unexpected right parenthesis ')'");
                }

                return Emit(TokenKind.RightParen, start);
            case '{':
                _braceOpen = true;
                return Emit(TokenKind.LeftBrace, start);
            case '[':
                _bracketOpen = true;
                _gotColon = false;
                return Emit(TokenKind.LeftBracket, start);
            case ']':
                return Fail(start, "unexpected right bracket ']'");
            case '}':
                return Fail(start, "unexpected character: '}'");
        }

        if (IsDigit(c) || (c == '.' && IsDigit(Peek())))
        {
            _pos = start;
            return ScanNumberOrDuration(start);
        }

        if (IsAlpha(c) || c == ':')
        {
            while (_pos < _input.Length && (IsAlphaNumeric(_input[_pos]) || _input[_pos] == ':'))
            {
                _pos++;
            }

            var word = _input[start.._pos];
            if (TokenKinds.TryGetKeyword(word, out var kw))
            {
                return Emit(kw, start);
            }

            return Emit(word.Contains(':', StringComparison.Ordinal) ? TokenKind.MetricIdentifier : TokenKind.Identifier, start);
        }

        return Fail(start, $"unexpected character: {QuoteRune(c)}");
    }

    private Token ScanInsideBraces(int start)
    {
        if (_pos >= _input.Length)
        {
            return Fail(start, "unexpected end of input inside braces");
        }

        var c = _input[_pos++];
        switch (c)
        {
            case ',': return Emit(TokenKind.Comma, start);
            case '"' or '\'': return ScanString(start, c);
            case '`': return ScanRawString(start);
            case '=':
                if (Peek() == '~')
                {
                    _pos++;
                    return Emit(TokenKind.EqlRegex, start);
                }

                return Emit(TokenKind.Assign, start);
            case '!':
                {
                    var n = Peek();
                    _pos = Math.Min(_pos + 1, _input.Length);
                    return n switch
                    {
                        '~' => Emit(TokenKind.NeqRegex, start),
                        '=' => Emit(TokenKind.Neq, start),
                        _ => Fail(start, $"unexpected character after '!' inside braces: {QuoteRune(n)}"),
                    };
                }

            case '{':
                return Fail(start, "unexpected left brace '{'");
            case '}':
                _braceOpen = false;
                return Emit(TokenKind.RightBrace, start);
        }

        if (IsAlpha(c))
        {
            while (_pos < _input.Length && IsAlphaNumeric(_input[_pos]))
            {
                _pos++;
            }

            return Emit(TokenKind.Identifier, start);
        }

        return Fail(start, $"unexpected character inside braces: {QuoteRune(c)}");
    }

    private Token ScanInsideBrackets(int start)
    {
        if (_pos >= _input.Length)
        {
            return Fail(start, "unexpected end of input in duration expression");
        }

        var c = _input[_pos++];
        switch (c)
        {
            case ']':
                _bracketOpen = false;
                _gotColon = false;
                return Emit(TokenKind.RightBracket, start);
            case ':':
                if (_gotColon)
                {
                    return Fail(start, "unexpected repeated colon in duration expression");
                }

                _gotColon = true;
                return Emit(TokenKind.Colon, start);
            case '[':
                return Fail(start, "unexpected left bracket '['");
        }

        if (IsDigit(c) || (c == '.' && IsDigit(Peek())))
        {
            _pos = start;
            return ScanNumberOrDuration(start);
        }

        return Fail(start, $"unexpected character in duration expression: {QuoteRune(c)}");
    }

    private Token ScanNumberOrDuration(int start)
    {
        if (ScanNumber())
        {
            return Emit(TokenKind.Number, start);
        }

        if (AcceptRemainingDuration())
        {
            return Emit(TokenKind.Duration, start);
        }

        return Fail(start, $"bad number or duration syntax: {Quote(_input[start..Math.Min(_pos, _input.Length)])}");
    }

    /// <summary>Upstream's <c>scanNumber</c>: <c>[0x][.]digits[._eE digits]*</c>, not followed by a letter or digit.</summary>
    private bool ScanNumber()
    {
        var initial = _pos;
        var hex = false;
        if (Accept('0'))
        {
            if (Peek() is 'x' or 'X')
            {
                _pos++;
                Accept('_');
                hex = true;
            }
        }

        bool IsNumDigit(char ch) => hex ? char.IsAsciiHexDigit(ch) : IsDigit(ch);

        Accept('.');
        if (_pos < _input.Length && IsNumDigit(_input[_pos]))
        {
            _pos++;
        }

        var dot = false;
        var exponent = false;
        while (_pos < _input.Length)
        {
            var ch = _input[_pos];
            if (ch == '.')
            {
                _pos++;
                if (dot || hex)
                {
                    return false;
                }

                dot = true;
                if (Peek() is '_' or '.')
                {
                    _pos++;
                    return false;
                }

                continue;
            }

            if (!hex && ch is 'e' or 'E')
            {
                _pos++;
                if (exponent)
                {
                    return false;
                }

                exponent = true;
                if (Peek() is '+' or '-')
                {
                    _pos++;
                }

                if (_pos >= _input.Length)
                {
                    return false;
                }

                if (Peek() is '.' or '_' or 'e' or 'E')
                {
                    _pos++;
                    return false;
                }

                continue;
            }

            if (ch == '_')
            {
                _pos++;
                if (_pos >= _input.Length)
                {
                    return false;
                }

                if (Peek() is '.' or '_' or 'e' or 'E')
                {
                    _pos++;
                    return false;
                }

                continue;
            }

            if (IsNumDigit(ch))
            {
                while (_pos < _input.Length && IsNumDigit(_input[_pos]))
                {
                    _pos++;
                }

                continue;
            }

            break;
        }

        if (_pos == initial)
        {
            return false;
        }

        return _pos >= _input.Length || !IsAlphaNumeric(_input[_pos]);
    }

    private bool AcceptRemainingDuration()
    {
        if (!AcceptAny("smhdwy"))
        {
            return false;
        }

        Accept('s');
        while (_pos < _input.Length && IsDigit(_input[_pos]))
        {
            while (_pos < _input.Length && IsDigit(_input[_pos]))
            {
                _pos++;
            }

            if (!AcceptAny("smhdw"))
            {
                return false;
            }

            Accept('s');
        }

        if (_pos < _input.Length && IsAlphaNumeric(_input[_pos]))
        {
            _pos++;
            return false;
        }

        return true;
    }

    private Token ScanString(int start, char quote)
    {
        while (true)
        {
            if (_pos >= _input.Length)
            {
                return Fail(start, "unterminated quoted string");
            }

            var c = _input[_pos++];
            if (c == '\n')
            {
                return Fail(start, "unterminated quoted string");
            }

            if (c == quote)
            {
                return Emit(TokenKind.String, start);
            }

            if (c == '\\')
            {
                var error = ScanEscape(quote);
                if (error is not null)
                {
                    return Fail(start, error);
                }
            }
        }
    }

    private string? ScanEscape(char quote)
    {
        if (_pos >= _input.Length)
        {
            return "escape sequence not terminated";
        }

        var c = _input[_pos++];
        int n, radix;
        long max;
        switch (c)
        {
            case 'a' or 'b' or 'f' or 'n' or 'r' or 't' or 'v' or '\\':
                return null;
            case >= '0' and <= '7':
                n = 3;
                radix = 8;
                max = 255;
                _pos--;
                break;
            case 'x':
                n = 2;
                radix = 16;
                max = 255;
                break;
            case 'u':
                n = 4;
                radix = 16;
                max = 0x10FFFF;
                break;
            case 'U':
                n = 8;
                radix = 16;
                max = 0x10FFFF;
                break;
            default:
                if (c == quote)
                {
                    return null;
                }

                return $"unknown escape sequence U+{(int)c:X4} {QuoteRune(c)}";
        }

        long x = 0;
        for (; n > 0; n--)
        {
            if (_pos >= _input.Length)
            {
                return "escape sequence not terminated";
            }

            var ch = _input[_pos];
            var d = char.IsAsciiDigit(ch) ? ch - '0' : ch is >= 'a' and <= 'f' ? ch - 'a' + 10 : ch is >= 'A' and <= 'F' ? ch - 'A' + 10 : 16;
            if (d >= radix)
            {
                return $"illegal character U+{(int)ch:X4} {QuoteRune(ch)} in escape sequence";
            }

            x = (x * radix) + d;
            _pos++;
        }

        if (x > max || (x >= 0xD800 && x < 0xE000))
        {
            return "escape sequence is an invalid Unicode code point";
        }

        return null;
    }

    private Token ScanRawString(int start)
    {
        while (true)
        {
            if (_pos >= _input.Length)
            {
                return Fail(start, "unterminated raw string");
            }

            if (_input[_pos++] == '`')
            {
                return Emit(TokenKind.String, start);
            }
        }
    }

    private Token Emit(TokenKind kind, int start) => new(kind, start, _pos);

    private Token Fail(int start, string message)
    {
        _pos = _input.Length;
        return new Token(TokenKind.Error, start, Math.Max(start, Math.Min(_pos, _input.Length)), message);
    }

    private char Peek() => _pos < _input.Length ? _input[_pos] : '\0';

    private bool Accept(char c)
    {
        if (_pos < _input.Length && _input[_pos] == c)
        {
            _pos++;
            return true;
        }

        return false;
    }

    private bool AcceptAny(string chars)
    {
        if (_pos < _input.Length && chars.Contains(_input[_pos], StringComparison.Ordinal))
        {
            _pos++;
            return true;
        }

        return false;
    }

    internal static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r';

    internal static bool IsDigit(char c) => c is >= '0' and <= '9';

    internal static bool IsAlpha(char c) => c == '_' || c is >= 'a' and <= 'z' || c is >= 'A' and <= 'Z';

    internal static bool IsAlphaNumeric(char c) => IsAlpha(c) || IsDigit(c);

    /// <summary>Go's <c>%q</c> of a rune: <c>'x'</c>; end of input is Go's <c>eof</c> rune (-1), printed as U+FFFD.</summary>
    internal static string QuoteRune(char c) => c switch
    {
        '\0' => "'\\x00'",
        '\'' => "'\\''",
        '\\' => "'\\\\'",
        '\n' => "'\\n'",
        '\t' => "'\\t'",
        '\r' => "'\\r'",
        _ when c < 0x20 => "'\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture) + "'",
        _ => "'" + c + "'",
    };

    private static string Quote(string s) => Printer.GoQuote(s);
}
