namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// The kinds of Go values a template sees (a subset of <c>reflect.Kind</c>): they decide truth,
/// <c>len</c>, <c>range</c>, comparison and how <c>fmt</c> prints a value.
/// </summary>
public enum GoKind
{
    /// <summary>No value: Go's invalid <c>reflect.Value</c>, a nil interface.</summary>
    Invalid,

    /// <summary><c>bool</c>.</summary>
    Bool,

    /// <summary>Signed integers (<c>int</c>, <c>int64</c>, named ones such as <c>time.Duration</c>).</summary>
    Int,

    /// <summary><c>float64</c>.</summary>
    Float,

    /// <summary><c>complex128</c>.</summary>
    Complex,

    /// <summary>Strings and named string types such as <c>template.HTML</c>.</summary>
    String,

    /// <summary>A map with string keys.</summary>
    Map,

    /// <summary>A slice.</summary>
    Slice,

    /// <summary>A struct value.</summary>
    Struct,

    /// <summary>A non-nil pointer to a struct.</summary>
    Pointer,

    /// <summary>A function value (for <c>call</c>).</summary>
    Func,

    /// <summary>An interface type: only as a parameter or element type, never a value's own kind.</summary>
    Interface,
}
