using System.Reflection;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Functions.Api;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// <c>--Section:Key=value</c> (or <c>--Section:Key value</c>) on the command line: any setting of
/// the options sections (e.g. <c>--Storage:Provider=AzureStorage</c> for <c>import</c>), checked
/// against the keys those sections have, so a typo is an unknown flag rather than a setting that
/// is silently ignored. Connection settings (<c>MonitoringStorage</c>) are not among them: they come
/// from the environment or appsettings.json, out of the process list.
/// </summary>
internal static partial class SettingOverrides
{
    /// <summary>The sections and their keys, in the options classes' spelling.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Sections { get; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            [StorageOptions.SectionName] = Properties<StorageOptions>(),
            [WebOptions.SectionName] = Properties<WebOptions>(),
            [ScrapeOptions.SectionName] = Properties<ScrapeOptions>(),
            [RulesOptions.SectionName] = Properties<RulesOptions>(),
            [ApiQueryOptions.SectionName] = ApiQueryOptions.Keys,
        };

    /// <summary>
    /// Takes the overrides out of <paramref name="args"/>: the rest is for the command-line parser.
    /// Nothing after <c>--</c> is taken (those are arguments).
    /// </summary>
    public static Extracted Extract(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = new List<string>(args.Count);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                rest.AddRange(args.Skip(i));
                break;
            }

            var match = OverridePattern().Match(arg);
            if (!match.Success)
            {
                rest.Add(arg);
                continue;
            }

            var (section, key) = (match.Groups["section"].Value, match.Groups["key"].Value);
            string value;
            if (match.Groups["value"].Success)
            {
                value = match.Groups["value"].Value;
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith('-'))
            {
                value = args[++i];
            }
            else
            {
                errors.Add($"expected a value for flag '--{section}:{key}'");
                continue;
            }

            var sectionName = Sections.Keys.FirstOrDefault(s => s.Equals(section, StringComparison.OrdinalIgnoreCase));
            if (sectionName is null)
            {
                errors.Add($"unknown flag '--{section}:{key}' (settings on the command line: {string.Join(", ", Sections.Keys.Select(s => $"--{s}:<key>"))})");
                continue;
            }

            var keyName = Sections[sectionName].FirstOrDefault(k => k.Equals(key, StringComparison.OrdinalIgnoreCase));
            if (keyName is null)
            {
                errors.Add($"unknown flag '--{section}:{key}' (the {sectionName} settings are {string.Join(", ", Sections[sectionName])})");
                continue;
            }

            settings[$"{sectionName}:{keyName}"] = value;
        }

        return new Extracted(rest, settings, errors);
    }

    // As OptionsRegistration binds: the writable properties.
    private static string[] Properties<T>() =>
        [.. typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name)];

    // A section is a plain name, so Prometheus's `--web.listen-address:value` form is left to the parser.
    [GeneratedRegex(@"^--(?<section>[A-Za-z][A-Za-z0-9]*):(?<key>[^=]+)(=(?<value>.*))?$", RegexOptions.Singleline)]
    private static partial Regex OverridePattern();

    /// <param name="Rest">The arguments that are not overrides, in order.</param>
    /// <param name="Settings">Configuration keys (<c>Storage:Provider</c>) and values.</param>
    /// <param name="Errors">Unknown keys and overrides without a value.</param>
    internal sealed record Extracted(IReadOnlyList<string> Rest, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Errors);
}
