namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// A function's body: the arguments arrive converted to the parameter types (see
/// <see cref="TemplateFunction"/>); the result is a template value. A Go function's error
/// result is a thrown <see cref="TemplateFunctionException"/>.
/// </summary>
public delegate object? TemplateFunctionBody(TemplateCall call, ReadOnlySpan<object?> args);

/// <summary>What a function body knows besides its arguments.</summary>
/// <param name="Receiver">The receiver of a method; null for a plain function.</param>
/// <param name="State">The state the caller handed to <see cref="Template.Execute(object?, object?)"/> (e.g. a <see cref="PrometheusTemplateState"/>).</param>
public readonly record struct TemplateCall(object? Receiver, object? State);

/// <summary>How the executor treats a function (Go special-cases two built-ins).</summary>
public enum TemplateFunctionKind
{
    /// <summary>Arguments evaluated, then the body called.</summary>
    Plain,

    /// <summary><c>and</c>: arguments evaluated left to right until one is false.</summary>
    And,

    /// <summary><c>or</c>: arguments evaluated left to right until one is true.</summary>
    Or,

    /// <summary><c>call</c>: the body receives the callee's text (for its errors) before the arguments.</summary>
    Call,
}

/// <summary>
/// A function (or method) a template can call, with Go's signature: fixed parameter types and
/// an optional variadic element type. The executor checks and converts arguments as Go's
/// <c>text/template</c> does (untyped constants, assignability, nil), so error messages name
/// the same types.
/// </summary>
public sealed class TemplateFunction
{
    /// <summary>Creates a function.</summary>
    /// <param name="name">The name templates call it by.</param>
    /// <param name="parameters">The fixed parameter types.</param>
    /// <param name="variadic">The element type of a final <c>...T</c> parameter, or null.</param>
    /// <param name="body">The implementation.</param>
    /// <param name="kind">Plain, or Go's short-circuit <c>and</c>/<c>or</c>.</param>
    public TemplateFunction(string name, GoType[] parameters, GoType? variadic, TemplateFunctionBody body, TemplateFunctionKind kind = TemplateFunctionKind.Plain)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(body);
        Name = name;
        Parameters = parameters;
        Variadic = variadic;
        Body = body;
        Kind = kind;
    }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The fixed parameter types.</summary>
    public IReadOnlyList<GoType> Parameters { get; }

    /// <summary>The element type of the variadic parameter, or null.</summary>
    public GoType? Variadic { get; }

    /// <summary>The implementation.</summary>
    public TemplateFunctionBody Body { get; }

    /// <summary>Plain, <c>and</c> or <c>or</c>.</summary>
    public TemplateFunctionKind Kind { get; }

    /// <summary>The number of parameters Go's <c>reflect.Type.NumIn</c> reports (the variadic one counts once).</summary>
    public int NumIn => Parameters.Count + (Variadic is null ? 0 : 1);

    /// <summary>The type of argument <paramref name="index"/> (the variadic element past the fixed ones).</summary>
    public GoType ParameterType(int index) => index < Parameters.Count ? Parameters[index] : Variadic!;

    public override string ToString() => Name;
}

/// <summary>
/// The error a template function returns; the executor reports it as Go does:
/// <c>error calling NAME: MESSAGE</c>.
/// </summary>
public sealed class TemplateFunctionException : Exception
{
    public TemplateFunctionException()
    {
    }

    public TemplateFunctionException(string message)
        : base(message)
    {
    }

    public TemplateFunctionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
