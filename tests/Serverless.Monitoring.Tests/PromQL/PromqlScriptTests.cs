using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace Serverless.Monitoring.Tests.PromQL;

/// <summary>
/// Runs every Prometheus .test script ($PROMQL_TESTDATA_DIR, else ../shared/promql-testdata)
/// through our parser and engine, prints per-file counts and fails when a file falls under
/// its ratchet (the pass count measured when the engine last improved).
/// </summary>
public class PromqlScriptTests(ITestOutputHelper output)
{
    /// <summary>Per file: enforced minimum passes (ratchet) and the issue's target pass rate.</summary>
    private static readonly Dictionary<string, (int MinPassed, double Target)> Thresholds = new(StringComparer.Ordinal)
    {
        ["aggregators.test"] = (125, 0.99),
        ["at_modifier.test"] = (78, 0.99),
        ["functions.test"] = (333, 0.99),
        ["histograms.test"] = (93, 0.99),
        ["limit.test"] = (1, 0.95),
        ["literals.test"] = (25, 0.99),
        ["native_histograms.test"] = (3, 0),
        ["operators.test"] = (142, 0.99),
        ["range_queries.test"] = (17, 0.99),
        ["selectors.test"] = (31, 0.99),
        ["staleness.test"] = (17, 0.99),
        ["subquery.test"] = (32, 0.99),
        ["trig_functions.test"] = (19, 0.99),
    };

    [Fact]
    public void EveryScriptPassesAtLeastItsRatchet()
    {
        var dir = PromQLTestData.TestDataDirectory() ?? throw new InvalidOperationException("promql-testdata not found; set PROMQL_TESTDATA_DIR");
        var report = new StringBuilder();
        var under = new List<string>();
        int passed = 0, failed = 0, skipped = 0;
        var failures = new List<string>();
        var skips = new List<string>();
        foreach (var path in Directory.GetFiles(dir, "*.test").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var runner = new ScriptRunner();
            runner.Run(path);
            passed += runner.Passed;
            failed += runner.Failed;
            skipped += runner.Skipped;
            failures.AddRange(runner.Failures);
            skips.AddRange(runner.Skips);
            var (min, target) = Thresholds.TryGetValue(name, out var th) ? th : (0, 0.99);
            var total = runner.Passed + runner.Failed;
            var rate = total == 0 ? 1 : runner.Passed / (double)total;
            var skipReasons = runner.SkipReasons.Count == 0 ? string.Empty : $" [skipped: {string.Join("; ", runner.SkipReasons.Select(r => $"{r.Value} {r.Key}"))}]";
            report.AppendLine(CultureInfo.InvariantCulture, $"PromQL script {name}: {runner.Passed} passed, {runner.Failed} failed ({runner.AnnotationFailures} on annotations), {runner.Skipped} skipped ({rate:P1}; ratchet {min} passed; issue target {target:P0}{(rate >= target ? ", met" : ", not met")}){skipReasons}");
            if (runner.Passed < min)
            {
                under.Add($"{name}: {runner.Passed} passed < ratchet {min}");
            }
        }

        foreach (var f in failures)
        {
            report.AppendLine("PromQL failure " + f);
        }

        if (Environment.GetEnvironmentVariable("PROMQL_LIST_SKIPS") == "1")
        {
            foreach (var s in skips)
            {
                report.AppendLine("PromQL skip " + s);
            }
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"{passed} passed, {failed} failed, {skipped} skipped");
        var text = report.ToString();
        output.WriteLine(text);
        Console.Out.Write(text);
        var reportPath = Environment.GetEnvironmentVariable("PROMQL_REPORT_FILE");
        if (!string.IsNullOrEmpty(reportPath))
        {
            File.WriteAllText(reportPath, text);
        }

        Assert.True(under.Count == 0, "PromQL scripts under their ratchet:\n" + string.Join('\n', under));
    }
}
