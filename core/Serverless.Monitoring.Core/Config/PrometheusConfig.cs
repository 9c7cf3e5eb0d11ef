namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// A loaded <c>prometheus.yml</c>: defaults applied and validated as upstream does. Load with
/// <see cref="LoadFile"/> (relative paths resolve against the file's directory) or
/// <see cref="Load"/>; mistakes throw <see cref="ConfigException"/> naming file, line and field.
/// </summary>
public sealed record PrometheusConfig
{
    /// <summary>The configuration of an empty file.</summary>
    public static PrometheusConfig Default { get; } = new();

    public GlobalConfig Global { get; init; } = GlobalConfig.Default;

    public AlertingConfig Alerting { get; init; } = AlertingConfig.Default;

    /// <summary>Rule file paths or globs, resolved against the configuration's directory.</summary>
    public IReadOnlyList<string> RuleFiles { get; init; } = [];

    public IReadOnlyList<ScrapeConfig> ScrapeConfigs { get; init; } = [];

    public IReadOnlyList<RemoteWriteConfig> RemoteWrite { get; init; } = [];

    /// <summary>The file this was loaded from, as named by the caller.</summary>
    public string FileName { get; init; } = string.Empty;

    /// <summary>Upstream sections this server accepted but does not use (e.g. <c>storage</c>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// Parses configuration text. <paramref name="fileName"/> names it in errors;
    /// relative paths resolve against <paramref name="directory"/> (default: the current directory).
    /// <paramref name="environment"/> supplies <c>$VAR</c> values for external labels (default: the process environment).
    /// </summary>
    public static PrometheusConfig Load(
        string yaml,
        string fileName = "prometheus.yml",
        string? directory = null,
        Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var parser = new ConfigParser(
            fileName,
            Path.GetFullPath(directory ?? Directory.GetCurrentDirectory()),
            environment ?? Environment.GetEnvironmentVariable);
        return parser.Parse(yaml);
    }

    /// <summary>Reads and parses <paramref name="path"/>; relative paths inside resolve against its directory.</summary>
    public static PrometheusConfig LoadFile(string path, Func<string, string?>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, 0, string.Empty, ex.Message, ex);
        }

        return Load(text, path, Path.GetDirectoryName(Path.GetFullPath(path)), environment);
    }

    /// <summary>
    /// The configuration as YAML with every default spelled out, in upstream's field names.
    /// Secrets print as <c>&lt;secret&gt;</c> unless <paramref name="revealSecrets"/> (for
    /// <c>/api/v1/status/config</c>, never reveal).
    /// </summary>
    public string ToYaml(bool revealSecrets = false) => ConfigYamlWriter.Write(this, revealSecrets);

    public override string ToString() => ToYaml();
}
