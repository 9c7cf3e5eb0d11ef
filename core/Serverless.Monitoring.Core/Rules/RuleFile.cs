namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// One rule file (upstream's <c>rulefmt.RuleGroups</c>): its groups in file order. Load with
/// <see cref="LoadFile"/> or <see cref="Parse"/>, as strictly as Prometheus 3 does; every mistake
/// is reported at once in a <see cref="RuleFileException"/>, each naming file, line and field.
/// </summary>
public sealed record RuleFile
{
    /// <summary>The file as it was named when loading; every group's <see cref="RuleGroup.File"/>.</summary>
    public required string Path { get; init; }

    public IReadOnlyList<RuleGroup> Groups { get; init; } = [];

    /// <summary>How many rules the groups hold together (promtool's <c>N rules found</c>).</summary>
    public int RuleCount => Groups.Sum(g => g.Rules.Count);

    /// <summary>Parses rule file text; <paramref name="path"/> names it in errors and in <see cref="RuleGroup.File"/>.</summary>
    /// <exception cref="RuleFileException">The text does not decode or does not validate.</exception>
    public static RuleFile Parse(string yaml, string path, RuleFileOptions options)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        return new RuleFileParser(path, options).Parse(yaml);
    }

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <exception cref="RuleFileException">The file cannot be read, does not decode or does not validate.</exception>
    public static RuleFile LoadFile(string path, RuleFileOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RuleFileException(path, [new Config.ConfigException(path, 0, 0, string.Empty, ex.Message, ex)]);
        }

        return Parse(text, path, options);
    }
}
