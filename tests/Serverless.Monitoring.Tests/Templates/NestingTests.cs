using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Tests.Templates;

/// <summary>
/// Deep nesting fails with an error rather than exhausting the stack (Go's stacks grow; a .NET
/// stack overflow would end the process): Go's limit of 10,000 nested parentheses, and the same
/// errors when the thread's stack runs short first.
/// </summary>
public sealed class NestingTests
{
    [Fact]
    public void More_than_ten_thousand_parentheses_is_go_s_parse_error()
    {
        var text = "{{" + new string('(', 10_001) + "1" + new string(')', 10_001) + "}}";
        var e = Assert.Throws<TemplateParseException>(() => Template.Parse("t", text));
        Assert.Equal("template: t:1: max expression depth exceeded", e.Message);
    }

    [Fact]
    public void Nested_parentheses_within_the_limit_run()
    {
        var text = "{{" + new string('(', 1_000) + "print 1" + new string(')', 1_000) + "}}";
        Assert.Equal("1", Template.Parse("t", text).Execute(null));
    }

    [Fact]
    public void Deeply_nested_actions_fail_or_run_but_never_overflow()
    {
        const int depth = 50_000;
        var text = string.Concat(Enumerable.Repeat("{{if true}}", depth)) + "x" + string.Concat(Enumerable.Repeat("{{end}}", depth));
        var run = () => Template.Parse("t", text).Execute(null);
        var e = Record.Exception(run);
        Assert.True(e is null or TemplateParseException or TemplateExecutionException, e?.ToString());
    }

    [Fact]
    public void A_deep_template_on_a_small_stack_stops_with_an_error()
    {
        const int depth = 2_000;
        var text = string.Concat(Enumerable.Repeat("{{with .}}", depth)) + "{{.}}" + string.Concat(Enumerable.Repeat("{{end}}", depth));
        var template = Template.Parse("t", text);
        Exception? error = null;
        var thread = new Thread(() => error = Record.Exception(() => template.Execute(1L)), 128 * 1024);
        thread.Start();
        thread.Join();
        var e = Assert.IsType<TemplateExecutionException>(error);
        Assert.EndsWith("exceeded maximum template depth (100000)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Recursive_templates_stop_at_go_s_depth_error()
    {
        var e = Assert.Throws<TemplateExecutionException>(() => Template.Parse("t", "{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" 1}}").Execute(null));
        Assert.EndsWith("exceeded maximum template depth (100000)", e.Message, StringComparison.Ordinal);
    }
}
