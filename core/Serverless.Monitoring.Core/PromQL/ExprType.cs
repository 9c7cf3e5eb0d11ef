namespace Serverless.Monitoring.Core.PromQL;

/// <summary>The type an expression evaluates to (upstream's <c>ExprType</c>).</summary>
public enum ExprType
{
    /// <summary>No value (an invalid node).</summary>
    None,

    /// <summary>A single number.</summary>
    Scalar,

    /// <summary>An instant vector.</summary>
    Vector,

    /// <summary>A range vector.</summary>
    Matrix,

#pragma warning disable CA1720 // upstream's name
    /// <summary>A string.</summary>
    String,
#pragma warning restore CA1720
}

/// <summary>Names of value types as upstream's error messages spell them.</summary>
public static class ExprTypeNames
{
    /// <summary>Upstream's <c>ExprType</c> string: <c>scalar</c>, <c>vector</c>, <c>matrix</c>, <c>string</c>.</summary>
    public static string Name(this ExprType type) => type switch
    {
        ExprType.Scalar => "scalar",
        ExprType.Vector => "vector",
        ExprType.Matrix => "matrix",
        ExprType.String => "string",
        _ => "none",
    };

    /// <summary>Upstream's <c>DocumentedType</c>: <c>instant vector</c>, <c>range vector</c>, ...</summary>
    public static string Documented(this ExprType type) => type switch
    {
        ExprType.Vector => "instant vector",
        ExprType.Matrix => "range vector",
        _ => type.Name(),
    };
}
