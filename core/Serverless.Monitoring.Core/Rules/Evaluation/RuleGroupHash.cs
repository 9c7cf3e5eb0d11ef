namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// Which build of Prometheus's <c>labels.Hash()</c> places a group on its grid: the phase is
/// <c>hash({file=…, name=…}) mod interval</c>, and the label encoding that is hashed changed between
/// Prometheus 2 and 3, so the same group evaluates at different instants under each.
/// </summary>
public enum RuleGroupHash
{
    /// <summary>
    /// Prometheus 3's default build (<c>stringlabels</c>): xxHash64 over each name and value prefixed
    /// by its length (one byte below 255, else 0xFF and three little-endian bytes).
    /// </summary>
    Prometheus3,

    /// <summary>
    /// Prometheus 2's default build (<c>slicelabels</c>, e.g. Debian's 2.42): xxHash64 over each name
    /// and value followed by a 0xFF byte.
    /// </summary>
    Prometheus2,
}
