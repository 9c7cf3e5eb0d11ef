using System.Globalization;
using System.Text;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// Go's <c>text/template</c> lexer, written after its state machine (<c>parse/lex.go</c>): text
/// and actions between <c>{{</c> and <c>}}</c>, trim markers <c>{{- </c> and <c> -}}</c> that eat
/// the spaces beside them, comments <c>{{/* */}}</c>, and inside actions Go's tokens with its
/// error messages (as of Go 1.25, the Go Prometheus 3 is built with). The whole input is scanned
/// up front; the first error ends the token list.
/// Positions are char offsets; each token carries the line it starts on.
/// </summary>
public sealed class TemplateLexer
{
    private const string LeftDelim = "{{";
    private const string RightDelim = "}}";
    private const string LeftComment = "/*";
    private const string RightComment = "*/";
    private const int Eof = -1;

    private static readonly Dictionary<string, TemplateTokenKind> Keywords = new(StringComparer.Ordinal)
    {
        ["."] = TemplateTokenKind.Dot,
        ["block"] = TemplateTokenKind.Block,
        ["break"] = TemplateTokenKind.Break,
        ["continue"] = TemplateTokenKind.Continue,
        ["define"] = TemplateTokenKind.Define,
        ["else"] = TemplateTokenKind.Else,
        ["end"] = TemplateTokenKind.End,
        ["if"] = TemplateTokenKind.If,
        ["range"] = TemplateTokenKind.Range,
        ["nil"] = TemplateTokenKind.Nil,
        ["template"] = TemplateTokenKind.Template,
        ["with"] = TemplateTokenKind.With,
    };

    private readonly string _input;
    private readonly bool _breakOk;
    private readonly bool _continueOk;
    private readonly List<TemplateToken> _tokens = [];
    private int _pos;
    private int _start;
    private int _line = 1;
    private int _startLine = 1;
    private int _lastWidth;
    private bool _atEof;
    private int _parenDepth;

    private TemplateLexer(string input, bool breakOk, bool continueOk)
    {
        _input = input;
        _breakOk = breakOk;
        _continueOk = continueOk;
    }

    private enum State
    {
        Done,
        Text,
        LeftDelim,
        Comment,
        RightDelim,
        InsideAction,
        Space,
        Identifier,
        Field,
        Variable,
        Char,
        Number,
        Quote,
        RawQuote,
    }

    /// <summary>
    /// The tokens of <paramref name="input"/>, ending with <see cref="TemplateTokenKind.Eof"/> or
    /// an <see cref="TemplateTokenKind.Error"/>. <c>break</c> and <c>continue</c> are keywords
    /// unless a function of that name exists, as in Go.
    /// </summary>
    public static List<TemplateToken> Tokenize(string input, bool breakOk = true, bool continueOk = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lexer = new TemplateLexer(input, breakOk, continueOk);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        var state = State.Text;
        while (state != State.Done)
        {
            state = state switch
            {
                State.Text => LexText(),
                State.LeftDelim => LexLeftDelim(),
                State.Comment => LexComment(),
                State.RightDelim => LexRightDelim(),
                State.InsideAction => LexInsideAction(),
                State.Space => LexSpace(),
                State.Identifier => LexIdentifier(),
                State.Field => LexFieldOrVariable(TemplateTokenKind.Field),
                State.Variable => LexVariable(),
                State.Char => LexChar(),
                State.Number => LexNumber(),
                State.Quote => LexQuote(),
                State.RawQuote => LexRawQuote(),
                _ => State.Done,
            };
        }
    }

    private int Next()
    {
        if (_pos >= _input.Length)
        {
            _atEof = true;
            _lastWidth = 0;
            return Eof;
        }

        int r = _input[_pos];
        _lastWidth = 1;
        if (char.IsHighSurrogate((char)r) && _pos + 1 < _input.Length && char.IsLowSurrogate(_input[_pos + 1]))
        {
            r = char.ConvertToUtf32((char)r, _input[_pos + 1]);
            _lastWidth = 2;
        }

        _pos += _lastWidth;
        if (r == '\n')
        {
            _line++;
        }

        return r;
    }

    private int Peek()
    {
        var r = Next();
        Backup();
        return r;
    }

    // Steps back over the last rune read (Go: a no-op once the end was reached).
    private void Backup()
    {
        if (!_atEof && _pos > 0)
        {
            var w = _pos >= 2 && char.IsLowSurrogate(_input[_pos - 1]) && char.IsHighSurrogate(_input[_pos - 2]) ? 2 : 1;
            _pos -= w;
            if (_input[_pos] == '\n')
            {
                _line--;
            }
        }
    }

    private void Emit(TemplateTokenKind kind)
    {
        _tokens.Add(new TemplateToken(kind, _start, _input[_start.._pos], _startLine));
        _start = _pos;
        _startLine = _line;
    }

    private void Ignore()
    {
        _line += CountNewlines(_start, _pos);
        _start = _pos;
        _startLine = _line;
    }

    private int CountNewlines(int from, int to) => _input.AsSpan(from, to - from).Count('\n');

    private bool Accept(string valid)
    {
        var r = Next();
        if (r >= 0 && r < 0x10000 && valid.Contains((char)r, StringComparison.Ordinal))
        {
            return true;
        }

        Backup();
        return false;
    }

    private void AcceptRun(string valid)
    {
        while (true)
        {
            var r = Next();
            if (!(r >= 0 && r < 0x10000 && valid.Contains((char)r, StringComparison.Ordinal)))
            {
                break;
            }
        }

        Backup();
    }

    private State Errorf(string message)
    {
        _tokens.Add(new TemplateToken(TemplateTokenKind.Error, _start, message, _startLine));
        return State.Done;
    }

    private bool StartsWith(int at, string s) => at <= _input.Length && _input.AsSpan(at).StartsWith(s, StringComparison.Ordinal);

    private State LexText()
    {
        var x = _input.IndexOf(LeftDelim, _pos, StringComparison.Ordinal);
        if (x >= 0)
        {
            _pos = x;
            var trimLength = 0;
            if (HasLeftTrimMarker(_pos + LeftDelim.Length))
            {
                trimLength = RightTrimLength(_start, _pos);
            }

            _pos -= trimLength;
            if (_pos > _start)
            {
                _line += CountNewlines(_start, _pos);
                Emit(TemplateTokenKind.Text);
            }

            _pos += trimLength;
            Ignore();
            return State.LeftDelim;
        }

        _pos = _input.Length;
        if (_pos > _start)
        {
            _line += CountNewlines(_start, _pos);
            Emit(TemplateTokenKind.Text);
        }

        Emit(TemplateTokenKind.Eof);
        return State.Done;
    }

    private static bool IsSpace(int r) => r is ' ' or '\t' or '\r' or '\n';

    private static bool IsAlphaNumeric(int r) =>
        r == '_' || (r >= 0 && (Rune.IsLetter(new Rune(r)) || Rune.IsDigit(new Rune(r))));

    private bool HasLeftTrimMarker(int at) =>
        at + 1 < _input.Length && _input[at] == '-' && IsSpace(_input[at + 1]);

    private bool HasRightTrimMarker(int at) =>
        at + 1 < _input.Length && IsSpace(_input[at]) && _input[at + 1] == '-';

    private int RightTrimLength(int from, int to)
    {
        var i = to;
        while (i > from && IsSpace(_input[i - 1]))
        {
            i--;
        }

        return to - i;
    }

    private int LeftTrimLength(int from)
    {
        var i = from;
        while (i < _input.Length && IsSpace(_input[i]))
        {
            i++;
        }

        return i - from;
    }

    private (bool Delim, bool TrimSpaces) AtRightDelim()
    {
        if (HasRightTrimMarker(_pos) && StartsWith(_pos + 2, RightDelim))
        {
            return (true, true);
        }

        return StartsWith(_pos, RightDelim) ? (true, false) : (false, false);
    }

    private State LexLeftDelim()
    {
        _pos += LeftDelim.Length;
        var trimSpace = HasLeftTrimMarker(_pos);
        var afterMarker = trimSpace ? 2 : 0;
        if (StartsWith(_pos + afterMarker, LeftComment))
        {
            _pos += afterMarker;
            Ignore();
            return State.Comment;
        }

        Emit(TemplateTokenKind.LeftDelim);
        _pos += afterMarker;
        Ignore();
        _parenDepth = 0;
        return State.InsideAction;
    }

    private State LexComment()
    {
        _pos += LeftComment.Length;
        var i = _input.IndexOf(RightComment, _pos, StringComparison.Ordinal);
        if (i < 0)
        {
            return Errorf("unclosed comment");
        }

        _pos = i + RightComment.Length;
        var (delim, trimSpace) = AtRightDelim();
        if (!delim)
        {
            return Errorf("comment ends before closing delimiter");
        }

        if (trimSpace)
        {
            _pos += 2;
        }

        _pos += RightDelim.Length;
        if (trimSpace)
        {
            _pos += LeftTrimLength(_pos);
        }

        Ignore();
        return State.Text;
    }

    private State LexRightDelim()
    {
        var trimSpace = HasRightTrimMarker(_pos);
        if (trimSpace)
        {
            _pos += 2;
            Ignore();
        }

        _pos += RightDelim.Length;
        Emit(TemplateTokenKind.RightDelim);
        if (trimSpace)
        {
            _pos += LeftTrimLength(_pos);
            Ignore();
        }

        return State.Text;
    }

    private State LexInsideAction()
    {
        var (delim, _) = AtRightDelim();
        if (delim)
        {
            return _parenDepth == 0 ? State.RightDelim : Errorf("unclosed left paren");
        }

        var r = Next();
        switch (r)
        {
            case Eof:
                return Errorf("unclosed action");
            case ' ' or '\t' or '\r' or '\n':
                Backup(); // keep the space: it may be part of " -}}"
                return State.Space;
            case '=':
                Emit(TemplateTokenKind.Assign);
                return State.InsideAction;
            case ':':
                if (Next() != '=')
                {
                    return Errorf("expected :=");
                }

                Emit(TemplateTokenKind.Declare);
                return State.InsideAction;
            case '|':
                Emit(TemplateTokenKind.Pipe);
                return State.InsideAction;
            case '"':
                return State.Quote;
            case '`':
                return State.RawQuote;
            case '$':
                return State.Variable;
            case '\'':
                return State.Char;
            case '.' when _pos < _input.Length && !char.IsAsciiDigit(_input[_pos]):
                return State.Field;
            case '.' or '+' or '-' or (>= '0' and <= '9'):
                Backup();
                return State.Number;
            case '(':
                Emit(TemplateTokenKind.LeftParen);
                _parenDepth++;
                return State.InsideAction;
            case ')':
                _parenDepth--;
                if (_parenDepth < 0)
                {
                    return Errorf("unexpected right paren");
                }

                Emit(TemplateTokenKind.RightParen);
                return State.InsideAction;
        }

        if (IsAlphaNumeric(r))
        {
            Backup();
            return State.Identifier;
        }

        if (r < 0x80 && GoStrconv.IsPrint(r))
        {
            Emit(TemplateTokenKind.Char);
            return State.InsideAction;
        }

        return Errorf($"unrecognized character in action: {GoRune(r)}");
    }

    private State LexSpace()
    {
        var numSpaces = 0;
        while (IsSpace(Peek()))
        {
            Next();
            numSpaces++;
        }

        // " -}}": the last space belongs to the trim marker.
        if (HasRightTrimMarker(_pos - 1) && StartsWith(_pos - 1 + 2, RightDelim))
        {
            Backup();
            if (numSpaces == 1)
            {
                return State.RightDelim;
            }
        }

        Emit(TemplateTokenKind.Space);
        return State.InsideAction;
    }

    private State LexIdentifier()
    {
        int r;
        do
        {
            r = Next();
        }
        while (IsAlphaNumeric(r));

        Backup();
        var word = _input[_start.._pos];
        if (!AtTerminator())
        {
            return Errorf($"bad character {GoRune(r)}");
        }

        if (Keywords.TryGetValue(word, out var keyword))
        {
            Emit((keyword == TemplateTokenKind.Break && !_breakOk) || (keyword == TemplateTokenKind.Continue && !_continueOk)
                ? TemplateTokenKind.Identifier
                : keyword);
        }
        else if (word is "true" or "false")
        {
            Emit(TemplateTokenKind.Bool);
        }
        else
        {
            Emit(TemplateTokenKind.Identifier);
        }

        return State.InsideAction;
    }

    private State LexVariable()
    {
        if (AtTerminator())
        {
            Emit(TemplateTokenKind.Variable);
            return State.InsideAction;
        }

        return LexFieldOrVariable(TemplateTokenKind.Variable);
    }

    private State LexFieldOrVariable(TemplateTokenKind kind)
    {
        if (AtTerminator())
        {
            Emit(kind == TemplateTokenKind.Variable ? TemplateTokenKind.Variable : TemplateTokenKind.Dot);
            return State.InsideAction;
        }

        int r;
        do
        {
            r = Next();
        }
        while (IsAlphaNumeric(r));

        Backup();
        if (!AtTerminator())
        {
            return Errorf($"bad character {GoRune(r)}");
        }

        Emit(kind);
        return State.InsideAction;
    }

    private bool AtTerminator()
    {
        var r = Peek();
        return IsSpace(r) || r is Eof or '.' or ',' or '|' or ':' or ')' or '(' || StartsWith(_pos, RightDelim);
    }

    private State LexChar()
    {
        while (true)
        {
            var r = Next();
            if (r == '\\')
            {
                r = Next();
                if (r != Eof && r != '\n')
                {
                    continue;
                }

                return Errorf("unterminated character constant");
            }

            if (r is Eof or '\n')
            {
                return Errorf("unterminated character constant");
            }

            if (r == '\'')
            {
                break;
            }
        }

        Emit(TemplateTokenKind.CharConstant);
        return State.InsideAction;
    }

    private State LexNumber()
    {
        if (!ScanNumber())
        {
            return Errorf($"bad number syntax: {GoStrconv.Quote(_input[_start.._pos])}");
        }

        var sign = Peek();
        if (sign is '+' or '-')
        {
            // A complex number: real part, then the imaginary part ending in 'i'.
            if (!ScanNumber() || _input[_pos - 1] != 'i')
            {
                return Errorf($"bad number syntax: {GoStrconv.Quote(_input[_start.._pos])}");
            }

            Emit(TemplateTokenKind.Complex);
        }
        else
        {
            Emit(TemplateTokenKind.Number);
        }

        return State.InsideAction;
    }

    private bool ScanNumber()
    {
        Accept("+-");
        var digits = "0123456789_";
        if (Accept("0"))
        {
            if (Accept("xX"))
            {
                digits = "0123456789abcdefABCDEF_";
            }
            else if (Accept("oO"))
            {
                digits = "01234567_";
            }
            else if (Accept("bB"))
            {
                digits = "01_";
            }
        }

        AcceptRun(digits);
        if (Accept("."))
        {
            AcceptRun(digits);
        }

        if (digits.Length == 11 && Accept("eE"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }

        if (digits.Length == 23 && Accept("pP"))
        {
            Accept("+-");
            AcceptRun("0123456789_");
        }

        Accept("i");
        if (IsAlphaNumeric(Peek()))
        {
            Next();
            return false;
        }

        return true;
    }

    private State LexQuote()
    {
        while (true)
        {
            var r = Next();
            if (r == '\\')
            {
                r = Next();
                if (r != Eof && r != '\n')
                {
                    continue;
                }

                return Errorf("unterminated quoted string");
            }

            if (r is Eof or '\n')
            {
                return Errorf("unterminated quoted string");
            }

            if (r == '"')
            {
                break;
            }
        }

        Emit(TemplateTokenKind.String);
        return State.InsideAction;
    }

    private State LexRawQuote()
    {
        while (true)
        {
            var r = Next();
            if (r == Eof)
            {
                return Errorf("unterminated raw quoted string");
            }

            if (r == '`')
            {
                break;
            }
        }

        Emit(TemplateTokenKind.RawString);
        return State.InsideAction;
    }

    /// <summary>Go's <c>%#U</c> of a rune: <c>U+0021 '!'</c>.</summary>
    internal static string GoRune(int r)
    {
        if (r < 0)
        {
            return "U+FFFFFFFFFFFFFFFF";
        }

        var hex = r.ToString("X4", CultureInfo.InvariantCulture);
        return GoStrconv.IsPrint(r) ? $"U+{hex} '{char.ConvertFromUtf32(r)}'" : $"U+{hex}";
    }
}
