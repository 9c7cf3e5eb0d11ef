namespace Serverless.Monitoring.Core.PromQL;

/// <summary>
/// A PromQL function's signature (upstream's <c>Function</c>): argument types, how many trailing
/// optional arguments it takes (<see cref="Variadic"/>: 0 none, n up to n more of the last type
/// ... as upstream, -1 unbounded), the return type, and whether it is experimental.
/// </summary>
public sealed record FunctionInfo(string Name, IReadOnlyList<ExprType> ArgTypes, ExprType ReturnType, int Variadic = 0, bool Experimental = false);
