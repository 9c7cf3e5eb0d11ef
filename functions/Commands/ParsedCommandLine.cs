using System.CommandLine;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>A parsed command line, not yet run (see <see cref="MonitoringCommandLine.Parse"/>).</summary>
/// <param name="Result">The parse; run it only when <paramref name="Errors"/> is empty.</param>
/// <param name="Context">What its commands run with.</param>
/// <param name="Errors">Usage errors, each naming the flag or argument.</param>
internal sealed record ParsedCommandLine(ParseResult Result, CommandContext Context, IReadOnlyList<string> Errors);
