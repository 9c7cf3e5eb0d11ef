namespace Serverless.Monitoring.Core.Rules;

/// <summary>A rule whose result is stored as the series named <see cref="Rule.Name"/> (<c>record:</c>).</summary>
public sealed record RecordingRule : Rule;
