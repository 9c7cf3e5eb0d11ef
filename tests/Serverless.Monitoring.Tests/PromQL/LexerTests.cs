using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Tests.PromQL;

public class LexerTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { ",", "Comma:," },
        { "()", "LeftParen:( RightParen:)" },
        { "{}", "LeftBrace:{ RightBrace:}" },
        { "[5m]", "LeftBracket:[ Duration:5m RightBracket:]" },
        { "[ 5m]", "LeftBracket:[ Duration:5m RightBracket:]" },
        { "[5m:1m]", "LeftBracket:[ Duration:5m Colon:: Duration:1m RightBracket:]" },
        { "[5m:]", "LeftBracket:[ Duration:5m Colon:: RightBracket:]" },
        { "[5]", "LeftBracket:[ Number:5 RightBracket:]" },
        { "[1h30m]", "LeftBracket:[ Duration:1h30m RightBracket:]" },
        { "1", "Number:1" },
        { "4.23", "Number:4.23" },
        { ".3", "Number:.3" },
        { "5.", "Number:5." },
        { "NaN", "Number:NaN" },
        { "nAN", "Number:nAN" },
        { "NaN 123", "Number:NaN Number:123" },
        { "NaN123", "Identifier:NaN123" },
        { "iNf", "Number:iNf" },
        { "Inf", "Number:Inf" },
        { "+Inf", "Add:+ Number:Inf" },
        { "+Inf 123", "Add:+ Number:Inf Number:123" },
        { "-Inf", "Sub:- Number:Inf" },
        { "Infoo", "Identifier:Infoo" },
        { "-Infoo", "Sub:- Identifier:Infoo" },
        { "0x123", "Number:0x123" },
        { "0X1f", "Number:0X1f" },
        { "1e3", "Number:1e3" },
        { "1E-3", "Number:1E-3" },
        { "1_000", "Number:1_000" },
        { "1_000.5", "Number:1_000.5" },
        { "5m", "Duration:5m" },
        { "1h30m", "Duration:1h30m" },
        { "500ms", "Duration:500ms" },
        { "1y", "Duration:1y" },
        { "1w", "Duration:1w" },
        { "1d", "Duration:1d" },
        { "\"test\\tsequence\"", "String:\"test\\tsequence\"" },
        { "'single'", "String:'single'" },
        { "`raw\\n`", "String:`raw\\n`" },
        { "\"a\\\"b\"", "String:\"a\\\"b\"" },
        { "'a\\'b'", "String:'a\\'b'" },
        { "\"\\u00e9\\x41\\101\\U0001F600\"", "String:\"\\u00e9\\x41\\101\\U0001F600\"" },
        { "abc", "Identifier:abc" },
        { "a:bc", "MetricIdentifier:a:bc" },
        { "abc d", "Identifier:abc Identifier:d" },
        { ":bc", "MetricIdentifier::bc" },
        { "a + b", "Identifier:a Add:+ Identifier:b" },
        { "a == b != c <= d < e >= f > g", "Identifier:a Eqlc:== Identifier:b Neq:!= Identifier:c Lte:<= Identifier:d Lss:< Identifier:e Gte:>= Identifier:f Gtr:> Identifier:g" },
        { "a * b / c % d ^ e", "Identifier:a Mul:* Identifier:b Div:/ Identifier:c Mod:% Identifier:d Pow:^ Identifier:e" },
        { "a atan2 b", "Identifier:a Atan2:atan2 Identifier:b" },
        { "a </ 1 >/ 2", "Identifier:a TrimUpper:</ Number:1 TrimLower:>/ Number:2" },
        { "a AND b or c unless d", "Identifier:a LAnd:AND Identifier:b LOr:or Identifier:c LUnless:unless Identifier:d" },
        { "sum avg count min max group stddev stdvar topk bottomk count_values quantile limitk limit_ratio", "Sum:sum Avg:avg Count:count Min:min Max:max Group:group Stddev:stddev Stdvar:stdvar Topk:topk Bottomk:bottomk CountValues:count_values Quantile:quantile Limitk:limitk LimitRatio:limit_ratio" },
        { "offset by without on ignoring group_left group_right bool start end", "Offset:offset By:by Without:without On:on Ignoring:ignoring GroupLeft:group_left GroupRight:group_right Bool:bool Start:start End:end" },
        { "foo @ 1", "Identifier:foo At:@ Number:1" },
        { "foo{bar=\"baz\"}", "Identifier:foo LeftBrace:{ Identifier:bar Assign:= String:\"baz\" RightBrace:}" },
        { "{a!=\"b\",c=~\"d\",e!~\"f\"}", "LeftBrace:{ Identifier:a Neq:!= String:\"b\" Comma:, Identifier:c EqlRegex:=~ String:\"d\" Comma:, Identifier:e NeqRegex:!~ String:\"f\" RightBrace:}" },
        { "{offset=\"x\"}", "LeftBrace:{ Identifier:offset Assign:= String:\"x\" RightBrace:}" },
        { "{\"my.metric\", job=\"x\"}", "LeftBrace:{ String:\"my.metric\" Comma:, Identifier:job Assign:= String:\"x\" RightBrace:}" },
        { "# comment\nfoo", "Comment:# comment Identifier:foo" },
        { "foo # trailing", "Identifier:foo Comment:# trailing" },
        { "{a=\"b\" # c\n}", "LeftBrace:{ Identifier:a Assign:= String:\"b\" Comment:# c RightBrace:}" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tokenizes(string input, string expected)
    {
        var tokens = Lexer.Tokenize(input);
        Assert.Equal(TokenKind.Eof, tokens[^1].Kind);
        var actual = string.Join(' ', tokens.Take(tokens.Count - 1).Select(t => $"{t.Kind}:{t.Text(input)}"));
        Assert.Equal(expected, actual);
    }

    public static TheoryData<string, string> Errors => new()
    {
        { "=~", "unexpected character after '=': '~'" },
        { "!~", "unexpected character after '!': '~'" },
        { "!(", "unexpected character after '!': '('" },
        { "1a", "bad number or duration syntax: \"1\"" },
        { "2.5.", "bad number or duration syntax: \"2.5.\"" },
        { "100..4", "bad number or duration syntax: \"100..\"" },
        { "0deadbeef", "bad number or duration syntax: \"0de\"" },
        { ".", "unexpected character: '.'" },
        { "\"abc", "unterminated quoted string" },
        { "'ab\nc'", "unterminated quoted string" },
        { "`abc", "unterminated raw string" },
        { "\"\\c\"", "unknown escape sequence U+0063 'c'" },
        { "\"\\x.\"", "illegal character U+002E '.' in escape sequence" },
        { "\"\\", "escape sequence not terminated" },
        { "\"\\uD800\"", "escape sequence is an invalid Unicode code point" },
        { "(", "unclosed left parenthesis" },
        { ")", "unexpected right parenthesis ')'" },
        { "]", "unexpected right bracket ']'" },
        { "}", "unexpected character: '}'" },
        { "{", "unexpected end of input inside braces" },
        { "{{", "unexpected left brace '{'" },
        { "{a*\"b\"}", "unexpected character inside braces: '*'" },
        { "{1}", "unexpected character inside braces: '1'" },
        { "{a!b}", "unexpected character after '!' inside braces: 'b'" },
        { "foo[", "unexpected end of input in duration expression" },
        { "foo[5m:1m:]", "unexpected repeated colon in duration expression" },
        { "foo[5mm]", "bad number or duration syntax: \"5mm\"" },
        { "foo[5m1]", "bad number or duration syntax: \"5m1\"" },
        { "foo[x]", "unexpected character in duration expression: 'x'" },
        { "foo$", "unexpected character: '$'" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void ReportsErrors(string input, string expected)
    {
        var tokens = Lexer.Tokenize(input);
        Assert.Equal(TokenKind.Error, tokens[^1].Kind);
        Assert.Equal(expected, tokens[^1].Error);
    }

    [Fact]
    public void TokensCarryPositions()
    {
        const string input = "sum(rate(foo{a=\"b\"}[5m]))";
        var tokens = Lexer.Tokenize(input);
        Assert.Equal(new PositionRange(0, 3), tokens[0].Position);
        Assert.Equal(new PositionRange(13, 14), tokens[6].Position);
        Assert.Equal("[5m]", input[tokens[10].Start..tokens[12].End]);
    }

    [Fact]
    public void ErrorEndsTheStream()
    {
        var lexer = new Lexer("$ foo");
        Assert.Equal(TokenKind.Error, lexer.Next().Kind);
        Assert.Equal(TokenKind.Eof, lexer.Next().Kind);
        Assert.Equal(TokenKind.Eof, lexer.Next().Kind);
    }
}
