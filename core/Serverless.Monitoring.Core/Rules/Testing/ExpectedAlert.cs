namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// One entry of <c>exp_alerts</c>: the expanded labels (without <c>alertname</c>, which the test
/// adds) and annotations of a firing alert, as written (empty values are kept, as upstream keeps them).
/// </summary>
public sealed record ExpectedAlert
{
    /// <summary><c>exp_labels</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];

    /// <summary><c>exp_annotations</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Annotations { get; init; } = [];
}
