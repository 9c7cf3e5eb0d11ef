using System.Collections.Frozen;
using System.Numerics;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// A Go type as templates see it: the name Go prints (<c>%T</c>, error messages), its kind, the
/// element type of maps, slices and pointers, its zero value and its methods. Types are
/// compared by reference: two values have the same type when they share the instance, and a
/// value is assignable to a parameter of its own type or of an interface type, as in Go.
/// </summary>
public sealed class GoType
{
    private FrozenDictionary<string, TemplateFunction>? _methods;

    /// <summary>Creates a type.</summary>
    /// <param name="name">As Go's <c>reflect.Type.String()</c> spells it, e.g. <c>*template.sample</c>.</param>
    /// <param name="kind">Its kind.</param>
    /// <param name="elem">The element type of a map, slice or pointer.</param>
    /// <param name="zero">The zero value (null for pointers, maps, slices, interfaces and structs).</param>
    public GoType(string name, GoKind kind, GoType? elem = null, object? zero = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Kind = kind;
        Elem = elem;
        Zero = zero;
    }

    /// <summary><c>bool</c>.</summary>
    public static GoType Bool { get; } = new("bool", GoKind.Bool, zero: false);

    /// <summary><c>int</c> (64 bits, as on every platform Prometheus ships for), held as <see cref="long"/>.</summary>
    public static GoType Int { get; } = new("int", GoKind.Int, zero: 0L);

    /// <summary><c>float64</c>, held as <see cref="double"/>.</summary>
    public static GoType Float64 { get; } = new("float64", GoKind.Float, zero: 0.0);

    /// <summary><c>complex128</c>, held as <see cref="Complex"/>.</summary>
    public static GoType Complex128 { get; } = new("complex128", GoKind.Complex, zero: Complex.Zero);

    /// <summary><c>string</c>, held as <see cref="string"/>.</summary>
    public static GoType GoString { get; } = new("string", GoKind.String, zero: string.Empty);

    /// <summary>The empty interface <c>interface {}</c>: any value, or none.</summary>
    public static GoType Any { get; } = new("interface {}", GoKind.Interface);

    /// <summary>
    /// <c>reflect.Value</c>, the parameter type of the built-in functions: like <see cref="Any"/>,
    /// but untyped constants reach the function as they are.
    /// </summary>
    public static GoType ReflectValue { get; } = new("reflect.Value", GoKind.Interface);

    /// <summary><c>map[string]string</c>.</summary>
    public static GoType StringMap { get; } = new("map[string]string", GoKind.Map, GoString);

    /// <summary><c>map[string]interface {}</c>.</summary>
    public static GoType AnyMap { get; } = new("map[string]interface {}", GoKind.Map, Any);

    /// <summary><c>[]string</c>.</summary>
    public static GoType StringSlice { get; } = new("[]string", GoKind.Slice, GoString);

    /// <summary><c>[]interface {}</c>.</summary>
    public static GoType AnySlice { get; } = new("[]interface {}", GoKind.Slice, Any);

    /// <summary>The name Go prints for the type.</summary>
    public string Name { get; }

    /// <summary>The kind.</summary>
    public GoKind Kind { get; }

    /// <summary>The element type of a map, slice or pointer.</summary>
    public GoType? Elem { get; }

    /// <summary>The zero value, what a missing map key yields under <c>missingkey=zero</c>.</summary>
    public object? Zero { get; }

    /// <summary>The methods a template can call on a value of this type, by name.</summary>
    public FrozenDictionary<string, TemplateFunction> Methods => _methods ?? FrozenDictionary<string, TemplateFunction>.Empty;

    /// <summary>True when the type has a <c>String() string</c> method, which <c>fmt</c> prefers.</summary>
    public bool IsStringer { get; private set; }

    /// <summary>
    /// Sets the methods, once (methods usually mention their own receiver type, so they come
    /// after the type). Each method receives its receiver as <see cref="TemplateCall.Receiver"/>.
    /// </summary>
    public GoType WithMethods(params IEnumerable<TemplateFunction> methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        if (_methods is not null)
        {
            throw new InvalidOperationException($"The methods of {Name} are already set.");
        }

        _methods = methods.ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);
        IsStringer = _methods.TryGetValue("String", out var s) && s.Parameters.Count == 0 && s.Variadic is null;
        return this;
    }

    /// <summary>True when a value of type <paramref name="type"/> can be passed where this type is expected.</summary>
    public bool IsAssignableFrom(GoType type) => ReferenceEquals(this, type) || Kind == GoKind.Interface;

    /// <summary>True for the types whose zero value is nil (Go's <c>canBeNil</c>).</summary>
    public bool CanBeNil => Kind is GoKind.Interface or GoKind.Map or GoKind.Slice or GoKind.Pointer or GoKind.Func;

    /// <summary>The type of a template value; null for no value.</summary>
    public static GoType? Of(object? value) => value switch
    {
        null => null,
        string => GoString,
        long => Int,
        double => Float64,
        bool => Bool,
        Complex => Complex128,
        GoValue v => v.Type,
        _ => throw new ArgumentException($"{value.GetType()} is not a template value.", nameof(value)),
    };

    /// <summary>The kind of a template value; <see cref="GoKind.Invalid"/> for no value.</summary>
    public static GoKind KindOf(object? value) => value switch
    {
        null => GoKind.Invalid,
        string => GoKind.String,
        long => GoKind.Int,
        double => GoKind.Float,
        bool => GoKind.Bool,
        Complex => GoKind.Complex,
        GoValue v => v.Type.Kind,
        _ => throw new ArgumentException($"{value.GetType()} is not a template value.", nameof(value)),
    };

    public override string ToString() => Name;
}
