using System.IO.Hashing;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Scraping;

/// <summary>
/// One endpoint to scrape, after service discovery and <c>relabel_configs</c>: what Prometheus
/// calls a target. <see cref="Labels"/> are the labels its series get (<c>job</c>,
/// <c>instance</c> and the rest, without <c>__</c> labels); <see cref="DiscoveredLabels"/> are
/// the labels before relabeling, as <c>/api/v1/targets</c> shows them.
/// </summary>
public sealed record ScrapeTarget
{
    public required string Job { get; init; }

    public required Uri Url { get; init; }

    public required LabelSet Labels { get; init; }

    public LabelSet DiscoveredLabels { get; init; } = LabelSet.Empty;

    public required TimeSpan Interval { get; init; }

    public required TimeSpan Timeout { get; init; }

    public bool HonorLabels { get; init; }

    public bool HonorTimestamps { get; init; } = true;

    public ScrapeLimits Limits { get; init; } = ScrapeLimits.None;

    /// <summary>
    /// <c>metric_relabel_configs</c>: edits a scraped series' labels (target labels already
    /// applied) and returns false to drop it. Null when there are none.
    /// </summary>
    public Func<LabelSetBuilder, bool>? MetricRelabel { get; init; }

    /// <summary>TLS settings for https targets (CA, client certificate, server name, verification).</summary>
    public TlsConfig Tls { get; init; } = TlsConfig.Default;

    /// <summary>When set, every scrape fails with this reason without a request (e.g. target_limit exceeded).</summary>
    public string? ForcedFailure { get; init; }

    /// <summary>Headers every request carries (<c>Authorization</c> from basic_auth or authorization).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>
    /// Identifies the target across scrapes, invocations and processes (its labels and URL,
    /// as Prometheus's target hash): the key of its persisted state and of its bus partition.
    /// </summary>
    public string Key => Hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Where in each interval this target is scraped: a stable offset from its identity, so the
    /// targets of one interval spread over it and a target keeps its phase across restarts.
    /// </summary>
    public TimeSpan Offset(ulong seed = 0) =>
        TimeSpan.FromTicks((long)((Hash ^ seed) % (ulong)Interval.Ticks));

    private ulong Hash => XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(Labels + "\xff" + Url.AbsoluteUri));
}

/// <summary>A scrape config's per-scrape limits; zero means no limit, as in Prometheus.</summary>
public sealed record ScrapeLimits(int SampleLimit = 0, int LabelLimit = 0, int LabelNameLengthLimit = 0, int LabelValueLengthLimit = 0)
{
    public static ScrapeLimits None { get; } = new();
}
