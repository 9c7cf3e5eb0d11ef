namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// promtool's <c>--lint</c> (a comma-separated list of <c>all</c>, <c>duplicate-rules</c>,
/// <c>none</c>; default <c>duplicate-rules</c>) and <c>--lint-fatal</c> (lint problems exit 3
/// instead of 0).
/// </summary>
internal sealed record LintSettings(bool DuplicateRules, bool Fatal)
{
    public const string DefaultValue = "duplicate-rules";

    public const string Description =
        "Linting checks to apply. Available options are: all, duplicate-rules, none. Use --lint=none to disable linting";

    public const string FatalDescription = "Make lint errors exit with exit code 3.";

    /// <summary>Reads the option; an unknown name is a warning on <paramref name="output"/>, as promtool 2.42 prints it.</summary>
    public static LintSettings Parse(string? value, bool fatal, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var duplicateRules = false;
        foreach (var setting in (value ?? DefaultValue).Split(','))
        {
            switch (setting)
            {
                case "all" or "duplicate-rules":
                    duplicateRules = true;
                    break;
                case "none":
                    break;
                default:
                    output.WriteLine($"WARNING: unknown lint option {setting}");
                    break;
            }
        }

        return new LintSettings(duplicateRules, fatal);
    }
}
