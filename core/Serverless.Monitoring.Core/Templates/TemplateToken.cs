namespace Serverless.Monitoring.Core.Templates;

/// <summary>The token kinds of Go's template lexer (<c>itemType</c>), keywords after <see cref="Keyword"/>.</summary>
public enum TemplateTokenKind
{
    /// <summary>A lexical error; the value is Go's message.</summary>
    Error,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Bool,

    /// <summary>Any other printable ASCII character inside an action (<c>,</c> for instance).</summary>
    Char,

    /// <summary>A character constant such as <c>'a'</c>.</summary>
    CharConstant,

    /// <summary>A comment (only when comments are kept).</summary>
    Comment,

    /// <summary>A complex constant such as <c>1+2i</c>.</summary>
    Complex,

    /// <summary><c>=</c>.</summary>
    Assign,

    /// <summary><c>:=</c>.</summary>
    Declare,

    /// <summary>End of input.</summary>
    Eof,

    /// <summary>A field such as <c>.Labels</c>.</summary>
    Field,

    /// <summary>A function name.</summary>
    Identifier,

    /// <summary><c>{{</c>.</summary>
    LeftDelim,

    /// <summary><c>(</c> inside an action.</summary>
    LeftParen,

    /// <summary>A number.</summary>
    Number,

    /// <summary><c>|</c>.</summary>
    Pipe,

    /// <summary>A raw string, with its back quotes.</summary>
    RawString,

    /// <summary><c>}}</c>.</summary>
    RightDelim,

    /// <summary><c>)</c> inside an action.</summary>
    RightParen,

    /// <summary>Spaces separating arguments.</summary>
    Space,

    /// <summary>A quoted string, with its quotes.</summary>
    String,

    /// <summary>Plain text outside actions.</summary>
    Text,

    /// <summary>A variable such as <c>$</c> or <c>$x</c>.</summary>
    Variable,

    /// <summary>Marks the start of the keywords; never produced.</summary>
    Keyword,

    /// <summary><c>block</c>.</summary>
    Block,

    /// <summary><c>break</c>.</summary>
    Break,

    /// <summary><c>continue</c>.</summary>
    Continue,

    /// <summary><c>.</c>.</summary>
    Dot,

    /// <summary><c>define</c>.</summary>
    Define,

    /// <summary><c>else</c>.</summary>
    Else,

    /// <summary><c>end</c>.</summary>
    End,

    /// <summary><c>if</c>.</summary>
    If,

    /// <summary><c>nil</c>.</summary>
    Nil,

    /// <summary><c>range</c>.</summary>
    Range,

    /// <summary><c>template</c>.</summary>
    Template,

    /// <summary><c>with</c>.</summary>
    With,
}

/// <summary>One token: its kind, where it starts (a char offset), its text and the line it starts on.</summary>
public readonly record struct TemplateToken(TemplateTokenKind Kind, int Pos, string Value, int Line)
{
    /// <summary>How Go's parser names the token in "unexpected …" errors (<c>item.String()</c>).</summary>
    public override string ToString() => Kind switch
    {
        TemplateTokenKind.Eof => "EOF",
        TemplateTokenKind.Error => Value,
        > TemplateTokenKind.Keyword => $"<{Value}>",
        _ => RuneCount(Value) > 10 ? GoStrconv.Quote(FirstRunes(Value, 10)) + "..." : GoStrconv.Quote(Value),
    };

    private static int RuneCount(string s)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (!(char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])))
            {
                n++;
            }
        }

        return n;
    }

    private static string FirstRunes(string s, int n)
    {
        var i = 0;
        for (var k = 0; k < n && i < s.Length; k++)
        {
            i += char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
        }

        return s[..i];
    }
}
