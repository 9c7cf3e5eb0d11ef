using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// The rule files a <c>prometheus.yml</c> names, as upstream's rule manager finds them: each
/// <c>rule_files</c> entry (already resolved against the configuration's directory) expanded with
/// Go's <c>filepath.Glob</c>; a pattern that matches nothing, or a file that does not exist, adds
/// nothing and is no error.
/// </summary>
public static class RuleFiles
{
    /// <summary>Every file <paramref name="config"/>'s <c>rule_files</c> match, in pattern order, each once.</summary>
    /// <exception cref="RuleFileException">A pattern is malformed (<c>error retrieving rule files for …</c>).</exception>
    public static IReadOnlyList<string> Resolve(PrometheusConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < config.RuleFiles.Count; i++)
        {
            var pattern = config.RuleFiles[i];
            IReadOnlyList<string> matches;
            try
            {
                matches = FilePathGlob.Expand(pattern);
            }
            catch (FormatException ex)
            {
                var error = new ConfigException(config.FileName, 0, 0, $"rule_files[{i}]", $"error retrieving rule files for {pattern}: {ex.Message}", ex);
                throw new RuleFileException(config.FileName, [error]);
            }

            files.AddRange(matches.Where(seen.Add));
        }

        return files;
    }

    /// <summary>
    /// Loads every rule file of <paramref name="config"/>, with <paramref name="options"/> (by
    /// default <see cref="RuleFileOptions.For"/> the config). Stops at the first file with problems,
    /// as upstream does, and reports all of that file's problems.
    /// </summary>
    /// <exception cref="RuleFileException">A pattern is malformed, or a file cannot be read, decoded or validated.</exception>
    public static IReadOnlyList<RuleFile> Load(PrometheusConfig config, RuleFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var effective = options ?? RuleFileOptions.For(config);
        return [.. Resolve(config).Select(path => RuleFile.LoadFile(path, effective))];
    }
}
