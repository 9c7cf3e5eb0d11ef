namespace Serverless.Monitoring.Core.PromQL;

/// <summary>Parser settings.</summary>
public sealed record ParserOptions
{
    /// <summary>The defaults: experimental functions enabled, nesting limited to <see cref="DefaultMaxDepth"/>.</summary>
    public static ParserOptions Default { get; } = new();

    /// <summary>The default nesting limit.</summary>
    public const int DefaultMaxDepth = 500;

    /// <summary>
    /// Accept functions and aggregations upstream marks experimental (<c>sort_by_label</c>,
    /// <c>limitk</c>, <c>double_exponential_smoothing</c>, <c>info</c>, ...), as Prometheus does
    /// with <c>--enable-feature=promql-experimental-functions</c> and as its test scripts assume.
    /// </summary>
    public bool EnableExperimentalFunctions { get; init; } = true;

    /// <summary>
    /// Maximum nesting of parentheses, calls, aggregations and unary operators. Deeper input is a
    /// parse error rather than a stack overflow.
    /// </summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;
}
