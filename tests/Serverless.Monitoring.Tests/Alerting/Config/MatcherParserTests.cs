using Serverless.Monitoring.Core.Alerting.Matchers;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Config;

/// <summary>
/// Alertmanager's two matcher syntaxes: the classic one of 0.25's <c>pkg/labels</c> (checked
/// against a real amtool 0.25) and the UTF-8 one of 0.27+ with its fallback to the classic one.
/// </summary>
public sealed class MatcherParserTests
{
    // Input, then the matchers as Alertmanager prints them (Matchers.String()), or "!" + error.
    public static TheoryData<string, string> Classic => new()
    {
        { "a=b", "{a=\"b\"}" },
        { "{a=\"b\", c=~\"d|e\"}", "{a=\"b\",c=~\"d|e\"}" },
        { "a=b,c!=d", "{a=\"b\",c!=\"d\"}" },
        { "  a  !~  x.*  ", "{a!~\"x.*\"}" },
        { "{foo = \"bar\", dings != \"bums\", }", "{foo=\"bar\",dings!=\"bums\"}" },
        { "quote=\"She said: \\\"Hi, ladies!\\\"\"", "{quote=\"She said: \\\"Hi, ladies!\\\"\"}" },
        { "statuscode=~\"5..\"", "{statuscode=~\"5..\"}" },
        { "a=\"x\\ny\"", "{a=\"x\\ny\"}" },
        { "a=\"x\\qy\"", "{a=\"x\\\\qy\"}" },
        { "a=x\\", "{a=\"x\\\\\"}" },
        { "a=", "{a=\"\"}" },
        { "a=\"\"", "{a=\"\"}" },
        { "a=b=c", "{a=\"b=c\"}" },
        { "a=\"b,c\"", "{a=\"b,c\"}" },
        { "a=b c", "{a=\"b c\"}" },
        { "a=é☃", "{a=\"é☃\"}" },
        { "_:x=1", "{_:x=\"1\"}" },
        { "{}", "{}" },
        { "", "{}" },
        { "a=\"b", "!matcher value contains unescaped double quote: \"b" },
        { "a=b\"c", "!matcher value contains unescaped double quote: b\"c" },
        { "a=\"b\"c\"", "!matcher value contains unescaped double quote: \"b\"c\"" },
        { "1a=b", "!bad matcher format: 1a=b" },
        { "a~b", "!bad matcher format: a~b" },
        { "a.b=c", "!bad matcher format: a.b=c" },
        { "a=b,,c=d", "!bad matcher format: " },
        { "\"a\"=b", "!bad matcher format: \"a\"=b" },
        { "a=~\"(\"", "!error parsing regexp" },
    };

    public static TheoryData<string, string> Utf8 => new()
    {
        { "a=b", "{a=\"b\"}" },
        { "{a=\"b\", c=~\"d|e\"}", "{a=\"b\",c=~\"d|e\"}" },
        { "\"foo.bar\"=\"☃\"", "{foo.bar=\"☃\"}" },
        { "foo.bar=baz", "{foo.bar=\"baz\"}" },
        { "a=\"x\\ty\"", "{a=\"x\ty\"}" },
        { "{a=b,}", "{a=\"b\"}" },
        { "{}", "{}" },
        { "", "{}" },
        { "a=b c", "!4:5: unexpected c: expected a comma or close brace" },
        { "{a=b", "!0:4: end of input: expected close brace" },
        { "a=b}", "!0:4: }: expected opening brace" },
        { "a", "!end of input: expected an operator such as '=', '!=', '=~' or '!~'" },
        { "a=", "!end of input: expected label value" },
        { "a!b", "!1:2: !: expected one of '=~': expected an operator such as '=', '!=', '=~' or '!~'" },
        { "a=\"b", "!2:4: \"b: missing end \": expected label value" },
        { "=b", "!0:1: unexpected =: expected label name" },
        { "a=b,,", "!4:5: unexpected ,: expected a matcher or close brace after comma" },
        { "a=x.*y", "{a=\"x.*y\"}" },
        { "a='b'", "!2:3: ': invalid input: expected label value" },
        // Upstream's own vectors (matchers/parse/parse_test.go, 0.27).
        { ",", "!0:1: unexpected ,: expected label name" },
        { "{,}", "!1:2: unexpected ,: expected label name" },
        { "{", "!0:1: end of input: expected close brace" },
        { "}", "!0:1: }: expected opening brace" },
        { "foo=bar}", "!0:8: }: expected opening brace" },
        { "{foo=bar", "!0:8: end of input: expected close brace" },
        { "{foo=:\"bar\"}", "!6:11: unexpected \"bar\": expected a comma or close brace" },
        { "{foo=\"bar\\w\"}", "!5:12: \"bar\\w\": invalid input" },
        { "{foo=bar\\n}", "!8:9: \\: invalid input: expected a comma or close brace" },
        { "{\"foo\"=\"\\xf0\\x9f\"}", "!7:17: \"\\xf0\\x9f\": invalid input" },
    };

    // Inputs where the two syntaxes read differently: fallback takes UTF-8 when it accepts and agrees, else classic.
    public static TheoryData<string, string> Fallback => new()
    {
        { "a=b", "{a=\"b\"}" },
        { "a=b c", "{a=\"b c\"}" },                    // UTF-8 refuses; classic accepts
        { "foo.bar=baz", "{foo.bar=\"baz\"}" },        // classic refuses; UTF-8 accepts
        { "a=\"x\\qy\"", "{a=\"x\\\\qy\"}" },          // UTF-8 refuses the Go escape \q; classic keeps it literal
        { "a=\"b", "!matcher value contains unescaped double quote: \"b" }, // both refuse: classic's error
    };

    [Theory]
    [MemberData(nameof(Classic))]
    public void Classic_syntax(string input, string expected) => Check(input, expected, MatcherSyntax.Classic);

    [Theory]
    [MemberData(nameof(Utf8))]
    public void Utf8_syntax(string input, string expected) => Check(input, expected, MatcherSyntax.Utf8);

    [Theory]
    [MemberData(nameof(Fallback))]
    public void Fallback_syntax(string input, string expected) => Check(input, expected, MatcherSyntax.Fallback);

    [Fact]
    public void Matchers_sort_by_name_value_then_type()
    {
        var sorted = AlertmanagerMatchers.Sorted(AlertmanagerMatchers.Parse("b=x, a!=y, a=y, a=~a", MatcherSyntax.Classic));
        Assert.Equal("{a=~\"a\",a=\"y\",a!=\"y\",b=\"x\"}", AlertmanagerMatchers.Format(sorted));
    }

    [Fact]
    public void Regexes_are_anchored()
    {
        var m = AlertmanagerMatchers.ParseOne("job=~\"api|web\"");
        Assert.True(m.Matches("api"));
        Assert.False(m.Matches("apix"));
        Assert.True(m.Matches(LabelSet.FromStrings("job", "web")));
    }

    /// <summary>
    /// amtool 0.25 (classic parser) and ours accept and refuse the same inputs, and the accepted
    /// ones print the same: amtool's route tree shows each route's parsed matchers.
    /// </summary>
    [Fact]
    public async Task Classic_syntax_agrees_with_amtool()
    {
        using var dir = new TempDirectory("am-matchers");
        var inputs = Classic.Select(row => (string)row[0]).Where(i => i.Length > 0 && i != "{}").ToArray();
        var files = new List<string>();
        for (var i = 0; i < inputs.Length; i++)
        {
            var file = dir.Combine($"m{i}.yml");
            await File.WriteAllTextAsync(file, Amtool.ConfigWithMatcher(inputs[i]));
            files.Add(file);
        }

        var check = await Amtool.RunAsync(["check-config", .. files]);
        for (var i = 0; i < inputs.Length; i++)
        {
            var amtoolAccepts = check.StandardOutput.Contains($"Checking '{files[i]}'  SUCCESS", StringComparison.Ordinal);
            IReadOnlyList<LabelMatcher>? ours = null;
            try
            {
                ours = AlertmanagerMatchers.Parse(inputs[i], MatcherSyntax.Classic);
            }
            catch (FormatException)
            {
            }

            Assert.True(amtoolAccepts == ours is not null, $"input {inputs[i]}: amtool accepts={amtoolAccepts}, ours={ours is not null}\n{check}");
            if (ours is null)
            {
                continue;
            }

            var tree = await Amtool.RunAsync("config", "routes", "--config.file=" + files[i]);
            var expected = AlertmanagerMatchers.Format(AlertmanagerMatchers.Sorted(ours)) + "  receiver: r";
            Assert.Contains(expected, tree.StandardOutput, StringComparison.Ordinal);
        }
    }

    private static void Check(string input, string expected, MatcherSyntax syntax)
    {
        if (expected.StartsWith('!'))
        {
            var ex = Assert.Throws<FormatException>(() => AlertmanagerMatchers.Parse(input, syntax));
            Assert.StartsWith(expected[1..], ex.Message, StringComparison.Ordinal);
            return;
        }

        Assert.Equal(expected, AlertmanagerMatchers.Format(AlertmanagerMatchers.Parse(input, syntax)));
    }
}
