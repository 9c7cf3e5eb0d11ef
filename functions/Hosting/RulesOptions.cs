using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Configuration section <c>Rules</c>: Prometheus's <c>--rules.alert.*</c> flags, with upstream's defaults.
/// </summary>
internal sealed class RulesOptions
{
    public const string SectionName = "Rules";

    /// <summary>How long after an outage the <c>for</c> state of alerts is restored (<c>--rules.alert.for-outage-tolerance</c>).</summary>
    public string ForOutageTolerance { get; set; } = "1h";

    /// <summary>The least time an alert restored after an outage still waits before it fires (<c>--rules.alert.for-grace-period</c>).</summary>
    public string ForGracePeriod { get; set; } = "10m";

    /// <summary>How long to wait before sending an alert again to Alertmanager (<c>--rules.alert.resend-delay</c>).</summary>
    public string ResendDelay { get; set; } = "1m";

    /// <summary>What is wrong with the settings, naming each key; empty when they parse.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (name, flag, value) in new[]
        {
            (nameof(ForOutageTolerance), "--rules.alert.for-outage-tolerance", ForOutageTolerance),
            (nameof(ForGracePeriod), "--rules.alert.for-grace-period", ForGracePeriod),
            (nameof(ResendDelay), "--rules.alert.resend-delay", ResendDelay),
        })
        {
            if (!PrometheusDuration.TryParse(value, out _, out var error))
            {
                yield return $"{SectionName}:{name} ({flag}) '{value}': {error}.";
            }
        }
    }
}
