using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// Alertmanager 0.25's template functions (<c>template.DefaultFuncs</c>) over Go's built-ins:
/// <c>toUpper</c>, <c>toLower</c>, <c>title</c>, <c>join</c> (separator first, for pipelines),
/// <c>match</c>, <c>safeHtml</c>, <c>reReplaceAll</c> and <c>stringSlice</c>. 0.25 has no
/// <c>trimSpace</c> (0.26 added it), so a template calling it fails to parse, as upstream's does.
/// </summary>
public static class NotificationFunctions
{
    private static readonly GoType S = GoType.GoString;

    /// <summary>The functions, in upstream's order.</summary>
    public static IReadOnlyList<TemplateFunction> All { get; } =
    [
        new("toUpper", [S], null, static (_, a) => GoText.ToUpper((string)a[0]!)),
        new("toLower", [S], null, static (_, a) => GoText.ToLower((string)a[0]!)),
        new("title", [S], null, static (_, a) => Title((string)a[0]!)),
        new("join", [S, GoType.StringSlice], null, static (_, a) => Join((string)a[0]!, a[1] as GoSlice)),
        new("match", [S, S], null, static (_, a) => GoRegexp.TryCompile((string)a[0]!, out var re, out var error) ? re.IsMatch((string)a[1]!) : throw new TemplateFunctionException(error)),
        new("safeHtml", [S], null, static (_, a) => new GoNamed(PrometheusFunctions.HtmlType, a[0]!)),
        new("reReplaceAll", [S, S, S], null, static (_, a) => MustCompile((string)a[0]!).ReplaceAll((string)a[2]!, (string)a[1]!)),
        new("stringSlice", [], S, static (_, a) => GoSlice.OfStrings(a.ToArray().Select(x => (string)x!).ToArray())),
    ];

    /// <summary>Go's built-ins plus <see cref="All"/>.</summary>
    public static TemplateFunctionTable Table { get; } = TemplateFunctionTable.Builtins.With(All);

    /// <summary>
    /// x/text's <c>cases.Title(language.AmericanEnglish)</c> (without <c>NoLower</c>, unlike
    /// Prometheus 3): each word's first letter in title case, the rest lower-cased. Lower-casing is
    /// Go's <c>strings.ToLower</c>, so the Greek final sigma stays <c>σ</c> where x/text gives <c>ς</c>.
    /// </summary>
    public static string Title(string s) => GoText.Title(GoText.ToLower(s));

    private static string Join(string separator, GoSlice? items)
    {
        var parts = new string[items?.Count ?? 0];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = (string)items![i]!;
        }

        return string.Join(separator, parts);
    }

    // regexp.MustCompile panics on a bad pattern; the template reports the panic's text.
    private static GoRegexp MustCompile(string pattern)
    {
        if (GoRegexp.TryCompile(pattern, out var re, out var error))
        {
            return re;
        }

        var quoted = GoStrconv.CanBackquote(pattern) ? "`" + pattern + "`" : GoStrconv.Quote(pattern);
        throw new TemplateFunctionException($"regexp: Compile({quoted}): {error}");
    }
}
