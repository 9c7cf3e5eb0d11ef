using Serverless.Monitoring.Core.Alerting.TimeIntervals;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary>
/// <c>alertmanager.yml</c> as Alertmanager 0.25+ reads it (defaults applied, globals copied into
/// the receivers, template globs resolved against the file's directory), plus our
/// <c>escalation_policies</c>.
/// </summary>
public sealed record AlertmanagerConfiguration
{
    public AlertmanagerGlobalConfig Global { get; init; } = AlertmanagerGlobalConfig.Default;

    public required RouteConfig Route { get; init; }

    public IReadOnlyList<InhibitRuleConfig> InhibitRules { get; init; } = [];

    public IReadOnlyList<ReceiverConfig> Receivers { get; init; } = [];

    /// <summary>Template globs, made absolute against the config's directory.</summary>
    public IReadOnlyList<string> Templates { get; init; } = [];

    /// <summary><c>time_intervals</c> and the deprecated <c>mute_time_intervals</c>, by name.</summary>
    public IReadOnlyDictionary<string, NamedTimeInterval> TimeIntervals { get; init; } = new Dictionary<string, NamedTimeInterval>();

    public IReadOnlyList<EscalationPolicy> EscalationPolicies { get; init; } = [];

    /// <summary>The file as it was named when loading.</summary>
    public string FileName { get; init; } = string.Empty;

    /// <summary>Parses a file; relative paths are taken from its directory.</summary>
    /// <exception cref="Serverless.Monitoring.Core.Config.ConfigException">The file is unusable: file, line, field and reason.</exception>
    public static AlertmanagerConfiguration LoadFile(string path, Matchers.MatcherSyntax syntax = Matchers.MatcherSyntax.Fallback)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Serverless.Monitoring.Core.Config.ConfigException(path, 0, 0, string.Empty, ex.Message, ex);
        }

        return Load(text, path, Path.GetDirectoryName(Path.GetFullPath(path))!, syntax);
    }

    /// <summary>Parses a YAML text named <paramref name="fileName"/> in errors.</summary>
    public static AlertmanagerConfiguration Load(string yaml, string fileName = "alertmanager.yml", string? directory = null, Matchers.MatcherSyntax syntax = Matchers.MatcherSyntax.Fallback)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return new AlertmanagerConfigParser(fileName, directory ?? Directory.GetCurrentDirectory(), syntax).Parse(yaml);
    }
}
