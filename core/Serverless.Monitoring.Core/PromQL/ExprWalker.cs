namespace Serverless.Monitoring.Core.PromQL;

/// <summary>Generic traversal of the AST (upstream's <c>Children</c>, <c>Inspect</c>), and bottom-up rewriting.</summary>
public static class ExprWalker
{
    /// <summary>The direct children of a node, in source order.</summary>
    public static IReadOnlyList<Expr> Children(Expr node) => node switch
    {
        AggregateExpr a => a.Param is null ? [a.Expr] : [a.Param, a.Expr],
        BinaryExpr b => [b.Lhs, b.Rhs],
        CallExpr c => c.Args,
        ParenExpr p => [p.Expr],
        UnaryExpr u => [u.Expr],
        SubqueryExpr s => [s.Expr],
        StepInvariantExpr s => [s.Expr],
        MatrixSelector m => [m.Selector],
        _ => [],
    };

    /// <summary>Every node, parents before children (depth-first, source order).</summary>
    public static IEnumerable<Expr> Descendants(Expr root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var stack = new Stack<Expr>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            var children = Children(node);
            for (var i = children.Count - 1; i >= 0; i--)
            {
                stack.Push(children[i]);
            }
        }
    }

    /// <summary>
    /// Rebuilds the tree bottom-up: children first, then <paramref name="rewrite"/> on the node
    /// with its rewritten children. Return the node unchanged to keep it.
    /// </summary>
    public static Expr Rewrite(Expr node, Func<Expr, Expr> rewrite)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(rewrite);
        Expr rebuilt = node switch
        {
            AggregateExpr a => a with { Param = a.Param is null ? null : Rewrite(a.Param, rewrite), Expr = Rewrite(a.Expr, rewrite) },
            BinaryExpr b => b with { Lhs = Rewrite(b.Lhs, rewrite), Rhs = Rewrite(b.Rhs, rewrite) },
            CallExpr c => c with { Args = c.Args.Select(x => Rewrite(x, rewrite)).ToArray() },
            ParenExpr p => p with { Expr = Rewrite(p.Expr, rewrite) },
            UnaryExpr u => u with { Expr = Rewrite(u.Expr, rewrite) },
            SubqueryExpr s => s with { Expr = Rewrite(s.Expr, rewrite) },
            StepInvariantExpr s => s with { Expr = Rewrite(s.Expr, rewrite) },
            MatrixSelector m => m with { Selector = Rewrite(m.Selector, rewrite) as VectorSelector ?? throw new InvalidOperationException("a range selector's selector must stay a vector selector") },
            _ => node,
        };
        return rewrite(rebuilt);
    }

    /// <summary>
    /// Adds <c>@ timestamp</c> to every selector and subquery without one, as Prometheus's test
    /// runner does when it re-runs instant queries at their evaluation time.
    /// </summary>
    public static Expr WithAtTimestamp(Expr root, long timestampMs) => Rewrite(root, e => e switch
    {
        VectorSelector v when v.Timestamp is null && v.At == AtModifier.None => v with { Timestamp = timestampMs },
        MatrixSelector m when m.Selector.Timestamp is null && m.Selector.At == AtModifier.None => m with { Selector = m.Selector with { Timestamp = timestampMs } },
        SubqueryExpr s when s.Timestamp is null && s.At == AtModifier.None => s with { Timestamp = timestampMs },
        _ => e,
    });
}
