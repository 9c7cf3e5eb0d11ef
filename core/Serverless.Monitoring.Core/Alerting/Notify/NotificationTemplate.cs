using System.Collections.Concurrent;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// Alertmanager's notification templates (<c>template.Template</c>): the built-in definitions
/// (<c>Templates/default.tmpl</c>, embedded), then the user's template files, which may override
/// them; <see cref="ExecuteText"/> runs one configured field (e.g. a Slack title) against the set,
/// as <c>ExecuteTextString</c> does (missing map keys give the zero value). Thread-safe.
/// </summary>
public sealed class NotificationTemplate
{
    private const string ResourceName = "Alerting.Notify.Templates.default.tmpl";

    private static readonly Lazy<string> DefaultText = new(LoadDefaultText);
    private static readonly Lazy<NotificationTemplate> DefaultSet = new(() => FromTexts([]));

    private readonly Template _set;
    private readonly ConcurrentDictionary<string, Template> _parsed = new(StringComparer.Ordinal);

    private NotificationTemplate(Template set) => _set = set;

    /// <summary>The built-in templates only.</summary>
    public static NotificationTemplate Default => DefaultSet.Value;

    /// <summary>The text of the built-in template file.</summary>
    public static string DefaultTemplateText => DefaultText.Value;

    /// <summary>The names of the defined templates.</summary>
    public IEnumerable<string> DefinedTemplates => _set.DefinedTemplates;

    /// <summary>
    /// The built-in templates, then each of <paramref name="files"/> (name, text) in order; each file
    /// is parsed as a template named after it, as Go's <c>ParseGlob</c> names files by base name.
    /// </summary>
    /// <exception cref="TemplateParseException">A file does not parse (Go's message names the file and line).</exception>
    public static NotificationTemplate FromTexts(IEnumerable<(string Name, string Text)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var set = Template.Parse("", DefaultText.Value, NotificationFunctions.Table, MissingKeyOption.Zero);
        foreach (var (name, text) in files)
        {
            set = set.ParseAssociated(name, text);
        }

        return new NotificationTemplate(set);
    }

    /// <summary>The built-in templates, then the files <paramref name="paths"/> (already expanded from the config's globs), in order.</summary>
    public static async Task<NotificationTemplate> FromFilesAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var files = new List<(string, string)>();
        foreach (var path in paths)
        {
            files.Add((Path.GetFileName(path), await File.ReadAllTextAsync(path, cancellationToken)));
        }

        return FromTexts(files);
    }

    /// <summary>
    /// <c>ExecuteTextString</c>: <paramref name="text"/> parsed into (a copy of) the set as the
    /// template "" and run with <paramref name="data"/>; the empty text gives the empty string.
    /// </summary>
    /// <exception cref="TemplateParseException">The text does not parse.</exception>
    /// <exception cref="TemplateExecutionException">It fails to run.</exception>
    public string ExecuteText(string text, TemplateData data)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(data);
        if (text.Length == 0)
        {
            return "";
        }

        var template = _parsed.GetOrAdd(text, t => _set.ParseAssociated("", t));
        return template.Execute(data);
    }

    private static string LoadDefaultText()
    {
        using var stream = typeof(NotificationTemplate).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
