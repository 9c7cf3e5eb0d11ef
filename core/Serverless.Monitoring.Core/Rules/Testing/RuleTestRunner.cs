using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// promtool's rule unit tests (<c>promtool test rules</c>) over our rule files, evaluator, storage,
/// PromQL engine and templates: <see cref="RunFileAsync"/> reads a test file, finds its rule files
/// (globs relative to the test file), and runs every test group as upstream does (see
/// <see cref="RuleTestGroupRun"/>). The result holds promtool's warnings and failure texts.
/// </summary>
public sealed class RuleTestRunner
{
    private readonly RuleFileOptions _ruleFileOptions;
    private readonly IAlertTemplateExpander _templates;

    /// <param name="ruleFileOptions">How rule files are checked (default: as <c>check rules</c> does, Prometheus 3's checks).</param>
    /// <param name="templates">The template engine for alert labels and annotations (default: <see cref="GoAlertTemplateExpander"/> over <see cref="TemplateExpander.Default"/>).</param>
    public RuleTestRunner(RuleFileOptions? ruleFileOptions = null, IAlertTemplateExpander? templates = null)
    {
        _ruleFileOptions = ruleFileOptions ?? new RuleFileOptions { ValidateTemplate = RuleTemplateCheck.Validate };
        _templates = templates ?? new GoAlertTemplateExpander(TemplateExpander.Default);
    }

    /// <summary>Reads, parses and runs the test file at <paramref name="path"/> (named in paths and errors as given).</summary>
    public async Task<RuleTestResult> RunFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException)
        {
            return Failed([], $"open {path}: permission denied");
        }
        catch (IOException e)
        {
            return Failed([], $"open {path}: {e.Message}");
        }

        RuleTestFile file;
        try
        {
            file = RuleTestFile.Parse(text, path);
        }
        catch (ConfigException e)
        {
            return Failed([], e.Message);
        }

        return await RunAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a parsed test file; its rule files are found relative to <see cref="RuleTestFile.Path"/>.</summary>
    public async Task<RuleTestResult> RunAsync(RuleTestFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var warnings = new List<string>();
        var ruleFiles = new List<string>();
        var baseDir = GoFilePath.Dir(file.Path);
        foreach (var pattern in file.RuleFiles.Select(p => p.Length > 0 && !GoFilePath.IsAbs(p) ? GoFilePath.Join(baseDir, p) : p))
        {
            IReadOnlyList<string> matches;
            try
            {
                matches = pattern.Length == 0 ? [] : FilePathGlob.Expand(pattern);
            }
            catch (FormatException e)
            {
                return Failed(warnings, e.Message);
            }

            if (matches.Count == 0)
            {
                warnings.Add(RuleTestText.NoMatch(pattern));
            }

            // A file matched twice holds the same groups: upstream keeps them once (by file and name).
            ruleFiles.AddRange(matches.Where(m => !ruleFiles.Contains(m, StringComparer.Ordinal)));
        }

        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < file.GroupEvalOrder.Count; i++)
        {
            if (!order.TryAdd(file.GroupEvalOrder[i], i))
            {
                return Failed(warnings, RuleTestText.RepeatedGroup(file.GroupEvalOrder[i]));
            }
        }

        var setup = new RuleTestSetup(ruleFiles, file.EffectiveEvaluationInterval, order, _ruleFileOptions, _templates);
        var errors = new List<string>();
        foreach (var test in file.Tests)
        {
            errors.AddRange(await RuleTestGroupRun.RunAsync(test, setup, cancellationToken).ConfigureAwait(false));
        }

        return new RuleTestResult(warnings, errors);
    }

    private static RuleTestResult Failed(IReadOnlyList<string> warnings, string error) => new(warnings, [error]);
}
