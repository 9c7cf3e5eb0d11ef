using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// A rule unit-test file in promtool's format (<c>promtool test rules</c>): the rule files under
/// test, the evaluation interval, the order of groups, and the tests. Decoded as strictly as
/// promtool decodes it (go-yaml v2's <c>UnmarshalStrict</c>): an unknown field or a value of the
/// wrong type is a <see cref="ConfigException"/> naming file, line, column and field.
/// </summary>
public sealed record RuleTestFile
{
    /// <summary>Upstream's evaluation interval when the file gives none (or zero).</summary>
    public static readonly TimeSpan DefaultEvaluationInterval = TimeSpan.FromMinutes(1);

    /// <summary>The file as it was named when loading.</summary>
    public required string Path { get; init; }

    /// <summary><c>rule_files</c>: globs, relative to the test file's directory, as written.</summary>
    public IReadOnlyList<string> RuleFiles { get; init; } = [];

    /// <summary><c>evaluation_interval</c>; zero when absent.</summary>
    public TimeSpan EvaluationInterval { get; init; }

    /// <summary><c>group_eval_order</c>: group names, evaluated in this order at each evaluation time.</summary>
    public IReadOnlyList<string> GroupEvalOrder { get; init; } = [];

    /// <summary><c>tests</c>, in file order.</summary>
    public IReadOnlyList<RuleTestGroup> Tests { get; init; } = [];

    /// <summary>How often the groups are evaluated: <see cref="EvaluationInterval"/>, else one minute.</summary>
    public TimeSpan EffectiveEvaluationInterval => EvaluationInterval > TimeSpan.Zero ? EvaluationInterval : DefaultEvaluationInterval;

    /// <summary>Parses test-file text; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="ConfigException">The text does not decode.</exception>
    public static RuleTestFile Parse(string yaml, string path)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return RuleTestFileParser.Parse(yaml, path);
    }
}
