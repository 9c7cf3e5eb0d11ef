namespace Serverless.Monitoring.Benchmarks.Rules;

/// <summary>A recording rule (its record name) or an alerting rule (its alert name, <c>for</c> and summary annotation).</summary>
internal sealed record BenchmarkRule(string Name, bool Alerting, string Expr, string For = "", string Summary = "");
