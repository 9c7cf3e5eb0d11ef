using System.Globalization;
using System.Text;
using Serverless.Monitoring.Core.Rules;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// Checks one rule file and reports it as promtool 2.42 does: <c>Checking FILE</c>, then
/// <c>  SUCCESS: N rules found</c> on standard output, or <c>  FAILED:</c> and one line per
/// problem on standard error, then a blank line. Problems name file, line, column and field;
/// the reasons are upstream's.
/// </summary>
internal sealed class RuleFileCheck(TextWriter output, TextWriter error, LintSettings lint, RuleFileOptions options)
{
    /// <summary>
    /// Checks <paramref name="path"/>, named as given. Each problem is written after
    /// <paramref name="indent"/> (promtool indents the rule files of <c>check config</c>).
    /// </summary>
    public CheckOutcome Check(string path, string indent)
    {
        output.WriteLine($"Checking {path}");
        CheckOutcome outcome;
        try
        {
            var file = RuleFile.LoadFile(path, options);
            var duplicates = lint.DuplicateRules ? DuplicateRule.Find(file) : [];
            if (duplicates.Count > 0)
            {
                error.WriteLine("  FAILED:");
                error.WriteLine(indent + LintMessage(duplicates));
                outcome = new CheckOutcome(Failed: true, HasErrors: false);
            }
            else
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  SUCCESS: {file.RuleCount} rules found"));
                outcome = CheckOutcome.Success;
            }
        }
        catch (RuleFileException ex)
        {
            error.WriteLine("  FAILED:");
            foreach (var problem in ex.Errors)
            {
                error.WriteLine(indent + problem.Message);
            }

            outcome = new CheckOutcome(Failed: true, HasErrors: true);
        }

        output.WriteLine();
        return outcome;
    }

    /// <summary>promtool's wording, a lint error spanning several lines.</summary>
    private static string LintMessage(IReadOnlyList<DuplicateRule> duplicates)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"lint error {duplicates.Count} duplicate rule(s) found.\n");
        foreach (var d in duplicates)
        {
            text.Append(CultureInfo.InvariantCulture, $"Metric: {d.Name}\nLabel(s):\n");
            foreach (var (name, value) in d.Labels)
            {
                text.Append(CultureInfo.InvariantCulture, $"\t{name}: {value}\n");
            }
        }

        return text.Append("Might cause inconsistency while recording expressions").ToString();
    }
}
