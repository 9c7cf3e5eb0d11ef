namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// A template value that is not one of the basic kinds. Basic values travel as plain .NET
/// values: <see cref="string"/> (Go <c>string</c>), <see cref="long"/> (<c>int</c>),
/// <see cref="double"/> (<c>float64</c>), <see cref="bool"/>, <see cref="System.Numerics.Complex"/>
/// (<c>complex128</c>), and null for no value. Everything else derives from this class and
/// carries its <see cref="GoType"/>, so the executor never reflects over .NET types.
/// </summary>
public abstract class GoValue
{
    /// <summary>The value's Go type.</summary>
    public abstract GoType Type { get; }

    /// <summary>
    /// For a pointer, the value it points to (typed as <see cref="GoType.Elem"/>); Go prints
    /// and ranges over that. Other values return themselves.
    /// </summary>
    public virtual GoValue Dereference() => this;
}

/// <summary>
/// A value of a named type over a basic kind, such as <c>template.HTML</c> (a string) or
/// <c>time.Duration</c> (an integer): it compares, prints and tests true as its underlying
/// value, but is not assignable to the basic type, and may have methods.
/// </summary>
public sealed class GoNamed : GoValue
{
    /// <summary>Creates the value.</summary>
    /// <param name="type">A type of kind <see cref="GoKind.String"/>, <see cref="GoKind.Int"/>, <see cref="GoKind.Float"/> or <see cref="GoKind.Bool"/>.</param>
    /// <param name="underlying">The basic value: a string, long, double or bool matching the kind.</param>
    public GoNamed(GoType type, object underlying)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(underlying);
        var ok = type.Kind switch
        {
            GoKind.String => underlying is string,
            GoKind.Int => underlying is long,
            GoKind.Float => underlying is double,
            GoKind.Bool => underlying is bool,
            _ => false,
        };
        if (!ok)
        {
            throw new ArgumentException($"{underlying.GetType()} is not the underlying value of {type.Name}.", nameof(underlying));
        }

        Type = type;
        Underlying = underlying;
    }

    public override GoType Type { get; }

    /// <summary>The basic value.</summary>
    public object Underlying { get; }

    public override string ToString() => $"{Type.Name}({Underlying})";
}

/// <summary>A function value, for <c>call</c>.</summary>
public sealed class GoFunc(GoType type, TemplateFunction function) : GoValue
{
    public override GoType Type { get; } = type ?? throw new ArgumentNullException(nameof(type));

    /// <summary>The function.</summary>
    public TemplateFunction Function { get; } = function ?? throw new ArgumentNullException(nameof(function));
}

/// <summary>
/// A struct (or pointer to struct, when <see cref="GoValue.Type"/> is a pointer type): fields by
/// name, in declaration order for printing.
/// </summary>
public abstract class GoStruct : GoValue
{
    /// <summary>The exported field names, in declaration order.</summary>
    public abstract IReadOnlyList<string> FieldNames { get; }

    /// <summary>The value of field <paramref name="index"/> of <see cref="FieldNames"/>.</summary>
    public abstract object? GetField(int index);

    /// <summary>A pointer's target: the same fields, typed as the element type.</summary>
    public override GoValue Dereference() =>
        Type.Kind == GoKind.Pointer && Type.Elem is { } elem ? new StructView(this, elem) : this;

    /// <summary>The value of the field named <paramref name="name"/> (case-sensitive, as in Go).</summary>
    public virtual bool TryGetField(string name, out object? value)
    {
        var names = FieldNames;
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                value = GetField(i);
                return true;
            }
        }

        value = null;
        return false;
    }
}

/// <summary>A struct seen through another type (a pointer's target).</summary>
internal sealed class StructView(GoStruct target, GoType type) : GoStruct
{
    public override GoType Type { get; } = type;

    public override IReadOnlyList<string> FieldNames => target.FieldNames;

    public override object? GetField(int index) => target.GetField(index);

    public override bool TryGetField(string name, out object? value) => target.TryGetField(name, out value);
}
