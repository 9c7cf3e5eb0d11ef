using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Relabeling;

/// <summary>
/// One relabeling rule (<c>relabel_configs</c>, <c>metric_relabel_configs</c>, …) with upstream's
/// defaults: no source labels, separator <c>;</c>, regex <c>(.*)</c>, replacement <c>$1</c>,
/// action <c>replace</c>. Check a hand-built rule with <see cref="Validate"/> before use.
/// </summary>
public sealed record RelabelConfig
{
    /// <summary>The default replacement, <c>$1</c>.</summary>
    public const string DefaultReplacement = "$1";

    /// <summary>The default separator, <c>;</c>.</summary>
    public const string DefaultSeparator = ";";

    // A name made of legacy characters and $var / ${var} references (upstream's relabelTargetLegacy;
    // Go's \w is ASCII-only, hence the explicit classes).
    private static readonly Regex LegacyTargetWithVariables = new(
        @"^(?:(?:[a-zA-Z_]|\$(?:\{[0-9A-Za-z_]+\}|[0-9A-Za-z_]+))+[0-9A-Za-z_]*)+\z",
        RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    /// <summary>Labels whose values are joined with <see cref="Separator"/> to form the input.</summary>
    public IReadOnlyList<string> SourceLabels { get; init; } = [];

    public string Separator { get; init; } = DefaultSeparator;

    /// <summary>The anchored regex; <see cref="RelabelRegex.Default"/> when not configured.</summary>
    public RelabelRegex Regex { get; init; } = RelabelRegex.Default;

    /// <summary>For <c>hashmod</c>: the modulus, which must not be 0.</summary>
    public ulong Modulus { get; init; }

    /// <summary>The label written by replace, hashmod, lowercase, uppercase (and compared by keepequal/dropequal).</summary>
    public string TargetLabel { get; init; } = string.Empty;

    public string Replacement { get; init; } = DefaultReplacement;

    public RelabelAction Action { get; init; } = RelabelAction.Replace;

    /// <summary>Which target label names are valid (the scrape config's scheme; not a YAML field).</summary>
    public NameValidationScheme NameValidation { get; init; } = NameValidationScheme.Utf8;

    /// <summary>Upstream's checks (<c>relabel.Config.Validate</c>); null when valid, otherwise the reason.</summary>
    public string? Validate()
    {
        var action = Action.ToConfigString();
        if (Modulus == 0 && Action == RelabelAction.HashMod)
        {
            return "relabel configuration for hashmod requires non-zero modulus";
        }

        var needsTarget = Action is RelabelAction.Replace or RelabelAction.HashMod or RelabelAction.Lowercase
            or RelabelAction.Uppercase or RelabelAction.KeepEqual or RelabelAction.DropEqual;
        if (needsTarget && TargetLabel.Length == 0)
        {
            return $"relabel configuration for {action} action requires 'target_label' value";
        }

        var hasVariable = TargetLabel.Contains('$', StringComparison.Ordinal);
        if (Action == RelabelAction.Replace && !hasVariable && !NameValidation.IsValidLabelName(TargetLabel))
        {
            return InvalidTarget(action);
        }

        if (Action == RelabelAction.Replace && hasVariable && !IsValidNameWithVariables(TargetLabel))
        {
            return InvalidTarget(action);
        }

        var simpleTarget = Action is RelabelAction.Lowercase or RelabelAction.Uppercase or RelabelAction.KeepEqual or RelabelAction.DropEqual;
        if (simpleTarget && !NameValidation.IsValidLabelName(TargetLabel))
        {
            return InvalidTarget(action);
        }

        if (simpleTarget && Replacement != DefaultReplacement)
        {
            return $"'replacement' can not be set for {action} action";
        }

        if (Action == RelabelAction.LabelMap && !IsValidNameWithVariables(Replacement))
        {
            return $"{Quote(Replacement)} is invalid 'replacement' for {action} action";
        }

        if (Action == RelabelAction.HashMod && !NameValidation.IsValidLabelName(TargetLabel))
        {
            return InvalidTarget(action);
        }

        if (Action is RelabelAction.KeepEqual or RelabelAction.DropEqual
            && (!ReferenceEquals(Regex, RelabelRegex.Default) || Modulus != 0 || Separator != DefaultSeparator || Replacement != DefaultReplacement))
        {
            return $"{action} action requires only 'source_labels' and `target_label`, and no other fields";
        }

        if (Action is RelabelAction.LabelDrop or RelabelAction.LabelKeep
            && (SourceLabels.Count > 0 || TargetLabel.Length > 0 || Modulus != 0 || Separator != DefaultSeparator || Replacement != DefaultReplacement))
        {
            return $"{action} action requires only 'regex', and no other fields";
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with <see cref="Validate"/>'s reason when invalid.</summary>
    public RelabelConfig EnsureValid() => Validate() is { } error ? throw new ArgumentException(error) : this;

    private string InvalidTarget(string action) => $"{Quote(TargetLabel)} is invalid 'target_label' for {action} action";

    private bool IsValidNameWithVariables(string value) => NameValidation == NameValidationScheme.Utf8
        ? NameValidation.IsValidLabelName(value)
        : LegacyTargetWithVariables.IsMatch(value);

    // Go's %q for the texts that appear here.
    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
