using System.Globalization;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Tests.Templates;

/// <summary>
/// Every case Go 1.19's <c>text/template</c> and <c>fmt</c> produced (Data/go-text-template.json;
/// for 12 cases Go has changed since, and the data carries what Go 1.25's source does, marked
/// <c>go_modern</c>):
/// the same text over the same data must give the same output, or the same parse or execution
/// error, byte for byte: trimming, literals, variables, fields, maps, <c>if</c>/<c>range</c>/<c>with</c>,
/// <c>define</c>/<c>template</c>/<c>block</c>, every built-in, printf verbs and flags, float64
/// formatting, and the positions in error messages.
/// </summary>
public sealed class GoOracleTests
{
    private static readonly IReadOnlyList<GoOracleData.Case> Cases = GoOracleData.Load("go-text-template.json");

    public static TheoryData<int> CaseIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Cases.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void Matches_go(int index)
    {
        var c = Cases[index];
        var value = c.ValueBits is null ? 12.5 : BitConverter.UInt64BitsToDouble(ulong.Parse(c.ValueBits, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        var (output, parseError, execError) = Run(c.Name, c.Text, GoOracleData.MissingKey(c.MissingKey), value);
        Assert.Equal(c.ParseError, parseError);
        Assert.Equal(c.ExecError, execError);
        Assert.Equal(c.Output, output);
    }

    [Fact]
    public void Covers_the_reference_set() => Assert.True(Cases.Count > 400);

    internal static (string Output, string? ParseError, string? ExecError) Run(string name, string text, MissingKeyOption missingKey, double value)
    {
        Template template;
        try
        {
            template = Template.Parse(name, text, GoOracleData.Functions, missingKey);
        }
        catch (TemplateParseException e)
        {
            return (string.Empty, e.Message, null);
        }

        var sb = new System.Text.StringBuilder();
        try
        {
            template.Execute(sb, GoOracleData.Data(value));
            return (sb.ToString(), null, null);
        }
        catch (TemplateExecutionException e)
        {
            return (sb.ToString(), null, e.Message);
        }
    }
}
