using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Discovery;

/// <summary>
/// A group of targets sharing labels, as service discovery delivers them: each target is a
/// label set holding at least <c>__address__</c>; <see cref="Labels"/> apply to all of them.
/// <see cref="Source"/> identifies the group within its provider (e.g. <c>file.json:0</c>).
/// </summary>
public sealed record TargetGroup
{
    /// <summary>The label that holds a target's address.</summary>
    public const string AddressLabel = "__address__";

    public IReadOnlyList<LabelSet> Targets { get; init; } = [];

    public LabelSet Labels { get; init; } = LabelSet.Empty;

    public string Source { get; init; } = string.Empty;

    /// <summary>A group from target addresses (<c>host:port</c>).</summary>
    public static TargetGroup FromAddresses(IEnumerable<string> addresses, LabelSet? labels = null, string source = "")
    {
        ArgumentNullException.ThrowIfNull(addresses);
        return new TargetGroup
        {
            Targets = addresses.Select(a => LabelSet.FromStrings(AddressLabel, a)).ToArray(),
            Labels = labels ?? LabelSet.Empty,
            Source = source,
        };
    }

    /// <summary>The addresses of <see cref="Targets"/>.</summary>
    public IEnumerable<string> Addresses => Targets.Select(t => t.Get(AddressLabel));
}
