using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Tests.Templates;

/// <summary>
/// Alerting-rule templates against what Prometheus's own engine printed for them
/// (Data/promtool-alert-templates.json, recorded from Debian's promtool 2.42 <c>test rules</c>):
/// <c>$labels</c>, <c>$value</c> for 41 values (integers, ±0, 0.1+0.2, 1e21, 1e-5, NaN, ±Inf,
/// extremes), every Prometheus function with its error texts, <c>query</c> through our PromQL
/// engine, and execution errors with their positions (which count the prelude, as upstream's do).
/// </summary>
public sealed class PromtoolReferenceTests
{
    private const long EvalTimeMs = 5 * 60_000;

    private static readonly (List<(string Series, string Values)> Series, List<AlertTemplateHarness.ReferenceCase> Cases) Reference =
        AlertTemplateHarness.LoadReference("promtool-alert-templates.json");

    private static readonly AlertTemplateHarness Harness = new(Reference.Series);

    public static TheoryData<int> CaseIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Reference.Cases.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void Expands_like_prometheus(int index)
    {
        var c = Reference.Cases[index];
        var outputs = Harness.ExpandAlerts(c.Alert, c.Expr, c.Template, EvalTimeMs);
        Assert.Equal(c.Prometheus3 ?? c.Expected, outputs[c.AlertIndex]);
    }
}
