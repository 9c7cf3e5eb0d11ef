using System.CommandLine;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary><c>test rules FILE...</c>: promtool's <c>test</c> commands under our executable.</summary>
internal static class TestCommand
{
    public const string Name = "test";

    public static Command Create(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command(Name, "Unit testing, as promtool test does: test rules <test-rule-files>..., test routes --config.file=<alertmanager.yml> <label=value>...")
        {
            TestRulesCommand.Create(context),
            TestRoutesCommand.Create(context),
        };
    }
}
