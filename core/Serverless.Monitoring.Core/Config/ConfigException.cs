namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// A configuration file that cannot be used: the message names the file, the line and column
/// (when the mistake has a place), the field, and the reason in Prometheus's words, e.g.
/// <c>prometheus.yml:7:5: scrape_configs[0].foo: field foo not found in type config.ScrapeConfig</c>.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException()
        : this("invalid configuration")
    {
    }

    public ConfigException(string message)
        : base(message)
    {
        Reason = message;
        FileName = string.Empty;
        Field = string.Empty;
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
        FileName = string.Empty;
        Field = string.Empty;
    }

    public ConfigException(string fileName, long line, long column, string field, string reason, Exception? innerException = null)
        : base(Format(fileName, line, column, field, reason), innerException)
    {
        FileName = fileName;
        Line = line;
        Column = column;
        Field = field;
        Reason = reason;
    }

    /// <summary>The file as it was named when loading (or <c>prometheus.yml</c> for text).</summary>
    public string FileName { get; }

    /// <summary>1-based line; 0 when the mistake has no single place.</summary>
    public long Line { get; }

    /// <summary>1-based column; 0 when unknown.</summary>
    public long Column { get; }

    /// <summary>The field's path, e.g. <c>scrape_configs[1].scrape_timeout</c>; empty for the whole file.</summary>
    public string Field { get; }

    /// <summary>Why, in upstream's words where it has them.</summary>
    public string Reason { get; }

    private static string Format(string fileName, long line, long column, string field, string reason)
    {
        var place = line > 0 ? column > 0 ? $"{fileName}:{line}:{column}" : $"{fileName}:{line}" : fileName;
        return field.Length > 0 ? $"{place}: {field}: {reason}" : $"{place}: {reason}";
    }
}
