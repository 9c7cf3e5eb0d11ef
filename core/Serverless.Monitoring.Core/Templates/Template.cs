using System.Text;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>What a field lookup yields for a key a map does not have (Go's <c>missingkey</c> option).</summary>
public enum MissingKeyOption
{
    /// <summary>No value: printed as <c>&lt;no value&gt;</c> (Go's default, <c>missingkey=invalid</c>).</summary>
    Invalid,

    /// <summary>The zero value of the map's element type: an empty string for labels (<c>missingkey=zero</c>, Prometheus's choice).</summary>
    Zero,

    /// <summary>An execution error (<c>missingkey=error</c>).</summary>
    Error,
}

/// <summary>
/// A parsed Go template: the top-level template and every template it defines, ready to run any
/// number of times (parse once, execute many). Thread-safe: executions share nothing mutable.
/// </summary>
public sealed class Template
{
    private readonly Dictionary<string, TemplateTree> _trees;

    private Template(string name, Dictionary<string, TemplateTree> trees, TemplateFunctionTable functions, MissingKeyOption missingKey)
    {
        Name = name;
        _trees = trees;
        Functions = functions;
        MissingKey = missingKey;
    }

    /// <summary>The top-level template's name (errors and <c>executing "…"</c> use it).</summary>
    public string Name { get; }

    /// <summary>The functions the template was parsed with.</summary>
    public TemplateFunctionTable Functions { get; }

    /// <summary>What a missing map key yields.</summary>
    public MissingKeyOption MissingKey { get; }

    /// <summary>The names of the templates defined (the top-level one included).</summary>
    public IEnumerable<string> DefinedTemplates => _trees.Keys;

    /// <summary>Parses <paramref name="text"/> as Go's <c>template.New(name).Funcs(…).Option(…).Parse(text)</c> does.</summary>
    /// <exception cref="TemplateParseException">The text does not parse; the message is Go's.</exception>
    public static Template Parse(string name, string text, TemplateFunctionTable? functions = null, MissingKeyOption missingKey = MissingKeyOption.Invalid)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        functions ??= TemplateFunctionTable.Builtins;
        return new Template(name, TemplateParser.Parse(name, text, functions), functions, missingKey);
    }

    /// <summary>
    /// Go's <c>t.Clone().New(name).Parse(text)</c>: a copy of this set with <paramref name="text"/>
    /// parsed into it as the top-level template <paramref name="name"/>. A definition replaces one
    /// of the same name unless its body is empty (Go's <c>associate</c>), so later files override
    /// earlier ones (Alertmanager's default templates, then the user's).
    /// </summary>
    /// <exception cref="TemplateParseException">The text does not parse; the message is Go's.</exception>
    public Template ParseAssociated(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        var merged = new Dictionary<string, TemplateTree>(_trees, StringComparer.Ordinal);
        foreach (var (treeName, tree) in TemplateParser.Parse(name, text, Functions))
        {
            if (!merged.TryGetValue(treeName, out var existing) || !TemplateParser.IsEmptyTree(tree.Root) || existing.Root is null)
            {
                merged[treeName] = tree;
            }
        }

        return new Template(name, merged, Functions, MissingKey);
    }

    /// <summary>Runs the top-level template with dot set to <paramref name="data"/>.</summary>
    /// <param name="data">A template value: null, a string, long, double, bool or a <see cref="GoValue"/>.</param>
    /// <param name="state">Handed to every function call (<see cref="TemplateCall.State"/>).</param>
    /// <exception cref="TemplateExecutionException">The message is Go's.</exception>
    public string Execute(object? data, object? state = null)
    {
        var sb = new StringBuilder();
        Execute(sb, data, state);
        return sb.ToString();
    }

    /// <summary>Runs the top-level template, appending to <paramref name="output"/> (partial output stays on error, as in Go).</summary>
    public void Execute(StringBuilder output, object? data, object? state = null) => ExecuteTemplate(output, Name, data, state);

    /// <summary>Runs the template named <paramref name="name"/> (Go's <c>ExecuteTemplate</c>).</summary>
    public void ExecuteTemplate(StringBuilder output, string name, object? data, object? state = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(name);
        var tree = LookupTree(name)
            ?? throw new TemplateExecutionException($"template: no template {GoStrconv.Quote(name)} associated with template {GoStrconv.Quote(Name)}");
        TemplateExecutor.Execute(this, tree, output, data, state);
    }

    internal TemplateTree? LookupTree(string name) => _trees.GetValueOrDefault(name);
}
