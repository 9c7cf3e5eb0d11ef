namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// A web configuration file (<c>--web.config.file</c>) in the format of Prometheus's
/// exporter-toolkit: TLS for the server, extra response headers, basic-auth users with bcrypt
/// hashes, a request rate limit. Load with <see cref="LoadFile"/>; mistakes throw
/// <see cref="ConfigException"/> naming file, line and field, never a secret's value.
/// </summary>
public sealed record WebConfig
{
    /// <summary>No file: plain HTTP, no authentication.</summary>
    public static WebConfig Default { get; } = new();

    /// <summary>Null when the file does not turn TLS on (plain HTTP).</summary>
    public TlsServerConfig? Tls { get; init; }

    /// <summary><c>http_server_config.http2</c>: offer HTTP/2 over TLS (the default).</summary>
    public bool Http2 { get; init; } = true;

    /// <summary><c>http_server_config.headers</c>, set on every response.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>User name → bcrypt hash. Empty: no authentication.</summary>
    public IReadOnlyDictionary<string, Secret> BasicAuthUsers { get; init; } = new Dictionary<string, Secret>(StringComparer.Ordinal);

    /// <summary><c>rate_limit.interval</c>: time between requests; zero turns the limit off.</summary>
    public TimeSpan RateLimitInterval { get; init; }

    /// <summary><c>rate_limit.burst</c>: requests allowed at once.</summary>
    public int RateLimitBurst { get; init; }

    /// <summary>The file as named when loading.</summary>
    public string FileName { get; init; } = string.Empty;

    /// <summary>The files it was read from (itself, certificates, keys, CAs), to notice changes.</summary>
    public IReadOnlyList<string> SourceFiles { get; init; } = [];

    /// <summary>Parses <paramref name="yaml"/>; relative paths resolve against <paramref name="directory"/>.</summary>
    public static WebConfig Load(string yaml, string fileName = "web.yml", string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return new WebConfigParser(fileName, Path.GetFullPath(directory ?? Directory.GetCurrentDirectory())).Parse(yaml);
    }

    /// <summary>Reads and parses <paramref name="path"/>; relative paths inside resolve against its directory.</summary>
    public static WebConfig LoadFile(string path)
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

        var config = Load(text, path, Path.GetDirectoryName(Path.GetFullPath(path)));
        return config with { SourceFiles = [Path.GetFullPath(path), .. config.SourceFiles] };
    }

    /// <summary>A summary without secrets (user names are not shown either).</summary>
    public override string ToString() =>
        $"web config {FileName}: TLS {(Tls is null ? "off" : "on")}, {BasicAuthUsers.Count} basic-auth user(s), {Headers.Count} header(s)";
}
