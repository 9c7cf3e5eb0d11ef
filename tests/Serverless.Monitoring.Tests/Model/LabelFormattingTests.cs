using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Model;

public sealed class LabelFormattingTests
{
    /// <summary>Expected strings are what Prometheus's <c>labels.String()</c> prints (Go quoting).</summary>
    public static TheoryData<string[], string> Cases => new()
    {
        { [], "{}" },
        { ["job", "x", "__name__", "up"], "{__name__=\"up\", job=\"x\"}" },
        { ["a", "b", "c", "d"], "{a=\"b\", c=\"d\"}" },
        { ["v", "quote\" backslash\\ newline\n tab\t cr\r"], "{v=\"quote\\\" backslash\\\\ newline\\n tab\\t cr\\r\"}" },
        { ["v", "bell\a bs\b ff\f vt\v"], "{v=\"bell\\a bs\\b ff\\f vt\\v\"}" },
        { ["v", "nul\0 esc\u001b del\u007f"], "{v=\"nul\\x00 esc\\x1b del\\x7f\"}" },
        { ["v", "é ü 日本 😀 ∑ ¿"], "{v=\"é ü 日本 😀 ∑ ¿\"}" },
        { ["v", "nbsp\u00a0 zwsp\u200b bom\ufeff pua\ue000"], "{v=\"nbsp\\u00a0 zwsp\\u200b bom\\ufeff pua\\ue000\"}" },
        { ["v", "line\u2028 unassigned\U0010FFFF"], "{v=\"line\\u2028 unassigned\\U0010ffff\"}" },
        { ["service.name", "x", "_ok", "y"], "{_ok=\"y\", \"service.name\"=\"x\"}" },
        { ["größe", "1"], "{\"größe\"=\"1\"}" },
        { ["1abc", "1"], "{\"1abc\"=\"1\"}" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Formats_like_prometheus(string[] pairs, string expected)
    {
        Assert.Equal(expected, LabelSet.FromStrings(pairs).ToString());
    }

    [Fact]
    public void Label_formats_alone()
    {
        Assert.Equal("job=\"a\\\"b\"", new Label("job", "a\"b").ToString());
    }
}
