using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL;

/// <summary>A PromQL expression node (upstream's <c>Expr</c>). <see cref="object.ToString"/> prints it as Prometheus does.</summary>
public abstract record Expr
{
    /// <summary>Where the node sits in the query.</summary>
    public PositionRange Position { get; init; }

    /// <summary>The type the node evaluates to.</summary>
    public abstract ExprType Type { get; }

    /// <summary>Upstream's <c>String()</c>: one line.</summary>
    public sealed override string ToString() => Printer.Format(this);
}

/// <summary>Where an <c>@</c> modifier points: a fixed time, or the query's start or end.</summary>
public enum AtModifier
{
    /// <summary>No <c>@</c>, or a fixed timestamp.</summary>
    None,

    /// <summary><c>@ start()</c></summary>
    Start,

    /// <summary><c>@ end()</c></summary>
    End,
}

/// <summary>A number; <see cref="IsDuration"/> when written as a duration (<c>1h</c> is 3600).</summary>
public sealed record NumberLiteral(double Value, bool IsDuration = false) : Expr
{
    /// <inheritdoc />
    public override ExprType Type => ExprType.Scalar;
}

/// <summary>A string (escapes interpreted).</summary>
public sealed record StringLiteral(string Value) : Expr
{
    /// <inheritdoc />
    public override ExprType Type => ExprType.String;
}

/// <summary>
/// An instant vector selector. <see cref="Matchers"/> include the <c>__name__</c> matcher when
/// a name is given (as upstream). <see cref="OriginalOffset"/> is the written offset;
/// <see cref="Timestamp"/> the <c>@</c> time in milliseconds; <see cref="At"/> <c>start()</c>/<c>end()</c>.
/// </summary>
public sealed record VectorSelector(string Name, IReadOnlyList<LabelMatcher> Matchers) : Expr
{
    /// <summary>The offset as written (negative for <c>offset -5m</c>).</summary>
    public TimeSpan OriginalOffset { get; init; }

    /// <summary>The <c>@</c> timestamp in milliseconds since the epoch, if a fixed one was given.</summary>
    public long? Timestamp { get; init; }

    /// <summary><c>@ start()</c> or <c>@ end()</c>.</summary>
    public AtModifier At { get; init; }

    /// <summary>The position of the selector without modifiers.</summary>
    public PositionRange SelectorPosition { get; init; }

    /// <inheritdoc />
    public override ExprType Type => ExprType.Vector;
}

/// <summary>A range selector: <c>foo[5m]</c>. Offset and <c>@</c> live on the inner selector.</summary>
public sealed record MatrixSelector(VectorSelector Selector, TimeSpan Range) : Expr
{
    /// <inheritdoc />
    public override ExprType Type => ExprType.Matrix;
}

/// <summary>A subquery: <c>expr[range:step]</c> with its own offset and <c>@</c>. <see cref="Step"/> zero means the default.</summary>
public sealed record SubqueryExpr(Expr Expr, TimeSpan Range, TimeSpan Step) : Expr
{
    /// <summary>The offset as written.</summary>
    public TimeSpan OriginalOffset { get; init; }

    /// <summary>The <c>@</c> timestamp in milliseconds, if fixed.</summary>
    public long? Timestamp { get; init; }

    /// <summary><c>@ start()</c> or <c>@ end()</c>.</summary>
    public AtModifier At { get; init; }

    /// <inheritdoc />
    public override ExprType Type => ExprType.Matrix;
}

/// <summary>A function call.</summary>
public sealed record CallExpr(FunctionInfo Function, IReadOnlyList<Expr> Args) : Expr
{
    /// <inheritdoc />
    public override ExprType Type => Function.ReturnType;
}

/// <summary>An aggregation: <c>sum by (job) (x)</c>, <c>topk(3, x)</c>.</summary>
public sealed record AggregateExpr(TokenKind Op, Expr Expr, Expr? Param, IReadOnlyList<string> Grouping, bool Without) : Expr
{
    /// <inheritdoc />
    public override ExprType Type => ExprType.Vector;
}

/// <summary>How the two sides of a binary operation are matched.</summary>
public enum VectorMatchCardinality
{
    /// <summary>One-to-one.</summary>
    OneToOne,

    /// <summary><c>group_left</c></summary>
    ManyToOne,

    /// <summary><c>group_right</c></summary>
    OneToMany,

    /// <summary>Set operators.</summary>
    ManyToMany,
}

/// <summary>Vector matching of a binary operation.</summary>
public sealed record VectorMatching(VectorMatchCardinality Card, IReadOnlyList<string> MatchingLabels, bool On, IReadOnlyList<string> Include);

/// <summary>A binary operation; <see cref="Matching"/> is null unless both sides are vectors.</summary>
public sealed record BinaryExpr(TokenKind Op, Expr Lhs, Expr Rhs, VectorMatching? Matching, bool ReturnBool) : Expr
{
    /// <inheritdoc />
    public override ExprType Type => Lhs.Type == ExprType.Scalar && Rhs.Type == ExprType.Scalar ? ExprType.Scalar : ExprType.Vector;
}

/// <summary><c>-x</c> or <c>+x</c>.</summary>
public sealed record UnaryExpr(TokenKind Op, Expr Expr) : Expr
{
    /// <inheritdoc />
    public override ExprType Type => Expr.Type;
}

/// <summary><c>(x)</c></summary>
public sealed record ParenExpr(Expr Expr) : Expr
{
    /// <inheritdoc />
    public override ExprType Type => Expr.Type;
}

/// <summary>Marks a subtree whose value does not change across the steps of a range query (set by the engine, never by the parser).</summary>
public sealed record StepInvariantExpr(Expr Expr) : Expr
{
    /// <inheritdoc />
    public override ExprType Type => Expr.Type;
}
