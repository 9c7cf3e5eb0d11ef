namespace Serverless.Monitoring.Core.Alerting.Matchers;

/// <summary>Which of Alertmanager's matcher parsers reads a matcher text.</summary>
public enum MatcherSyntax
{
    /// <summary>
    /// Alertmanager 0.27+'s default: the UTF-8 parser first, the classic one when the UTF-8 one
    /// refuses the input or the two disagree (upstream logs a warning and keeps the classic result).
    /// </summary>
    Fallback,

    /// <summary>The parser of <c>pkg/labels</c>, the only one up to Alertmanager 0.26.</summary>
    Classic,

    /// <summary>The UTF-8 parser of <c>matchers/parse</c> (0.27+'s <c>utf8-strict-mode</c>).</summary>
    Utf8,
}
