using Serverless.Monitoring.Core.Rules;

namespace Serverless.Monitoring.Tests.Rules;

/// <summary>Helpers for tests about rule files.</summary>
internal static class RuleTestFiles
{
    /// <summary>Options whose template check accepts every text: only for tests about something else than templates.</summary>
    public static RuleFileOptions AcceptAnyTemplate { get; } = new() { ValidateTemplate = (_, _) => null };

    public static RuleFile Parse(string yaml, RuleFileOptions? options = null) =>
        RuleFile.Parse(yaml, "rules.yml", options ?? AcceptAnyTemplate);

    /// <summary>The problems <paramref name="yaml"/> has; fails when it parses.</summary>
    public static RuleFileException Problems(string yaml, RuleFileOptions? options = null) =>
        Assert.Throws<RuleFileException>(() => Parse(yaml, options));
}
