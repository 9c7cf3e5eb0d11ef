using Serverless.Monitoring.Core.Rules;
using static Serverless.Monitoring.Tests.Rules.RuleTestFiles;

namespace Serverless.Monitoring.Tests.Rules;

/// <summary>promtool's <c>duplicate-rules</c> lint: rules of a file sharing name and labels, across groups and kinds.</summary>
public sealed class DuplicateRuleTests
{
    public static TheoryData<string, string[]> Files() => new()
    {
        { "groups:\n  - name: a\n    rules:\n      - {record: x, expr: up}\n      - {record: y, expr: up}\n", [] },
        { "groups:\n  - name: a\n    rules:\n      - {record: x, expr: up}\n      - {record: x, expr: down}\n", ["x {}"] },
        { "groups:\n  - name: a\n    rules:\n      - {record: x, expr: up}\n  - name: b\n    rules:\n      - {alert: x, expr: up}\n", ["x {}"] },
        { "groups:\n  - name: a\n    rules:\n      - {record: x, expr: up, labels: {a: b}}\n      - {record: x, expr: up, labels: {a: c}}\n", [] },
        { "groups:\n  - name: a\n    rules:\n      - {record: x, expr: up, labels: {a: b, c: d}}\n      - {record: x, expr: up, labels: {c: d, a: b}}\n", ["x {a=b, c=d}"] },
        { "groups:\n  - name: a\n    rules:\n      - {record: x, expr: up}\n      - {record: x, expr: up}\n      - {record: x, expr: up}\n      - {alert: B, expr: up}\n      - {alert: B, expr: up}\n", ["B {}", "x {}"] },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Finds_each_duplicate_once_sorted(string yaml, string[] expected)
    {
        var found = DuplicateRule.Find(Parse(yaml));
        Assert.Equal(expected, found.Select(d => $"{d.Name} {{{string.Join(", ", d.Labels.Select(l => $"{l.Key}={l.Value}"))}}}"));
    }
}
