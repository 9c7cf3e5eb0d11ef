namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// What a <c>check</c> command found, and promtool's exit code for it: 1 when anything failed
/// for a reason other than lint, 3 when only lint failed and <c>--lint-fatal</c> is set, else 0.
/// </summary>
internal sealed record CheckOutcome(bool Failed, bool HasErrors)
{
    public static CheckOutcome Success { get; } = new(false, false);

    public const int FailureExitCode = 1;

    public const int LintExitCode = 3;

    public CheckOutcome And(CheckOutcome other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new CheckOutcome(Failed || other.Failed, HasErrors || other.HasErrors);
    }

    public int ExitCode(LintSettings lint)
    {
        ArgumentNullException.ThrowIfNull(lint);
        return Failed && HasErrors ? FailureExitCode : Failed && lint.Fatal ? LintExitCode : 0;
    }
}
