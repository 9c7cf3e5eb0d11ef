using System.Collections.Frozen;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// The functions templates may call, by name: Go's built-ins (<see cref="Builtins"/>) plus
/// whatever a user of the engine adds (Prometheus's set in <see cref="PrometheusFunctions"/>).
/// Immutable; functions are resolved when a template is parsed, so a table is data shared by
/// every template parsed with it.
/// </summary>
public sealed class TemplateFunctionTable
{
    private readonly FrozenDictionary<string, TemplateFunction> _functions;

    private TemplateFunctionTable(FrozenDictionary<string, TemplateFunction> functions) => _functions = functions;

    /// <summary>Go's built-in functions only.</summary>
    public static TemplateFunctionTable Builtins { get; } =
        new(BuiltinFunctions.All.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal));

    /// <summary>The names, for diagnostics.</summary>
    public IEnumerable<string> Names => _functions.Keys;

    /// <summary>This table with <paramref name="functions"/> added; a function replaces a built-in of the same name, as Go's <c>Funcs</c> does.</summary>
    public TemplateFunctionTable With(IEnumerable<TemplateFunction> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var merged = new Dictionary<string, TemplateFunction>(_functions, StringComparer.Ordinal);
        foreach (var f in functions)
        {
            if (!IsGoodName(f.Name))
            {
                throw new ArgumentException($"function name {GoStrconv.Quote(f.Name)} is not a valid identifier", nameof(functions));
            }

            merged[f.Name] = f;
        }

        return new TemplateFunctionTable(merged.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The function named <paramref name="name"/>.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TemplateFunction? function) =>
        _functions.TryGetValue(name, out function);

    /// <summary>True when a function named <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => _functions.ContainsKey(name);

    // Go's goodName: a letter or underscore, then letters, digits and underscores.
    private static bool IsGoodName(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '_' || char.IsLetter(c) || (i > 0 && char.IsDigit(c)))
            {
                continue;
            }

            return false;
        }

        return name.Length > 0;
    }
}
