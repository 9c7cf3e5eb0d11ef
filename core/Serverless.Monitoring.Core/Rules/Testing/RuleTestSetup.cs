using Serverless.Monitoring.Core.Rules.Evaluation;

namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>What every test group of one test file shares: the rule files, the evaluation interval and order, the rule settings.</summary>
internal sealed record RuleTestSetup(
    IReadOnlyList<string> RuleFiles,
    TimeSpan EvaluationInterval,
    IReadOnlyDictionary<string, int> GroupOrder,
    RuleFileOptions RuleFileOptions,
    IAlertTemplateExpander TemplateExpander);
