using Serverless.Monitoring.Core.Alerting.Notify;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Core.Alerting.Router;

/// <summary>
/// The configuration's <c>templates</c>: each entry a path or a glob in its last segment (already
/// resolved against the config's folder), expanded as Go's <c>filepath.Glob</c> does (sorted; a glob
/// that matches nothing is no error), parsed after the built-in templates.
/// </summary>
public static class RouterTemplates
{
    /// <exception cref="ConfigException">A file cannot be read or does not parse; the field is <c>templates</c>.</exception>
    public static async Task<NotificationTemplate> LoadAsync(string configFile, IReadOnlyList<string> patterns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var paths = patterns.SelectMany(Expand).ToList();
        try
        {
            return await NotificationTemplate.FromFilesAsync(paths, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TemplateParseException or FormatException)
        {
            throw new ConfigException(configFile, 0, 0, "templates", ex.Message, ex);
        }
    }

    /// <summary>The files a pattern names, as Go's <c>filepath.Glob</c> (Alertmanager's <c>template.FromGlobs</c>): a missing file is no match, not an error.</summary>
    public static IReadOnlyList<string> Expand(string pattern) => Core.Config.FilePathGlob.Expand(pattern);
}
