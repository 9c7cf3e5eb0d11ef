using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Core.Scraping;

/// <summary>
/// Turns a scrape config's discovered target groups into <see cref="ScrapeTarget"/>s as
/// Prometheus's <c>PopulateLabels</c> does: group labels under target labels; <c>job</c>,
/// <c>__scheme__</c>, <c>__metrics_path__</c>, <c>__scrape_interval__</c>,
/// <c>__scrape_timeout__</c> and <c>__param_*</c> from the config where not set;
/// <c>relabel_configs</c>; then <c>__meta_*</c> dropped, <c>instance</c> defaulting to
/// <c>__address__</c>, and the URL built from the <c>__</c> labels. As Prometheus 3, no default
/// port is added to an address without one.
/// </summary>
public static class TargetBuilder
{
    public const string AddressLabel = "__address__";
    public const string SchemeLabel = "__scheme__";
    public const string MetricsPathLabel = "__metrics_path__";
    public const string ScrapeIntervalLabel = "__scrape_interval__";
    public const string ScrapeTimeoutLabel = "__scrape_timeout__";
    public const string ParamLabelPrefix = "__param_";
    public const string MetaLabelPrefix = "__meta_";

    /// <summary>The targets of <paramref name="config"/>'s groups, and those dropped or invalid (for <c>/api/v1/targets</c>).</summary>
    public static TargetSet Build(ScrapeConfig config, IEnumerable<TargetGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(groups);
        var active = new List<ScrapeTarget>();
        var dropped = new List<DroppedTarget>();
        // The same instances on every discovery update of a config, so an unchanged target is
        // equal to its previous build and keeps its scrape loop (ScrapeManager.SetTargets).
        var headers = SameHeadersAsLastBuild(config.Http, AuthHeaders(config.Http));
        var metricRelabel = config.MetricRelabelConfigs.Count == 0
            ? null
            : MetricRelabelers.GetValue(config.MetricRelabelConfigs, static configs => builder => Relabeler.Process(builder, configs));
        var limits = new ScrapeLimits((int)config.SampleLimit, (int)config.LabelLimit, (int)config.LabelNameLengthLimit, (int)config.LabelValueLengthLimit);

        foreach (var group in groups)
        {
            foreach (var target in group.Targets)
            {
                var discovered = Discovered(config, group, target);
                var result = Populate(config, discovered, out var error);
                if (result is null)
                {
                    dropped.Add(new DroppedTarget(discovered, error));
                    continue;
                }

                active.Add(result with { Headers = headers, Limits = limits, MetricRelabel = metricRelabel });
            }
        }

        // As Prometheus: over target_limit, every target of the config fails its scrapes.
        if (config.TargetLimit > 0 && active.Count > config.TargetLimit)
        {
            var failure = string.Create(CultureInfo.InvariantCulture, $"target_limit exceeded (number of targets: {active.Count}, limit: {config.TargetLimit})");
            active = active.Select(t => t with { ForcedFailure = failure }).ToList();
        }

        return new TargetSet(active, dropped);
    }

    /// <summary>Group labels, then target labels, then the config's defaults where still unset.</summary>
    private static LabelSet Discovered(ScrapeConfig config, TargetGroup group, LabelSet target)
    {
        var builder = group.Labels.ToBuilder();
        foreach (var label in target)
        {
            builder.Set(label.Name, label.Value);
        }

        SetIfMissing(builder, "job", config.JobName);
        SetIfMissing(builder, ScrapeIntervalLabel, PrometheusDuration.Format(config.ScrapeInterval));
        SetIfMissing(builder, ScrapeTimeoutLabel, PrometheusDuration.Format(config.ScrapeTimeout));
        SetIfMissing(builder, MetricsPathLabel, config.MetricsPath);
        SetIfMissing(builder, SchemeLabel, config.Scheme);
        foreach (var (name, values) in config.Params)
        {
            if (values.Count > 0)
            {
                SetIfMissing(builder, ParamLabelPrefix + name, values[0]);
            }
        }

        return builder.Build();
    }

    private static ScrapeTarget? Populate(ScrapeConfig config, LabelSet discovered, out string? error)
    {
        error = null;
        var builder = discovered.ToBuilder();
        if (!Relabeler.Process(builder, config.RelabelConfigs))
        {
            return null;
        }

        var address = builder.Get(AddressLabel);
        if (address.Length == 0)
        {
            error = "no address";
            return null;
        }

        if (address.Contains('/', StringComparison.Ordinal))
        {
            error = $"\"{address}\" is not a valid hostname";
            return null;
        }

        if (!PrometheusDuration.TryParse(builder.Get(ScrapeIntervalLabel), out var interval, out _) || interval <= TimeSpan.Zero)
        {
            error = $"error parsing scrape interval: \"{builder.Get(ScrapeIntervalLabel)}\"";
            return null;
        }

        if (!PrometheusDuration.TryParse(builder.Get(ScrapeTimeoutLabel), out var timeout, out _) || timeout <= TimeSpan.Zero)
        {
            error = $"error parsing scrape timeout: \"{builder.Get(ScrapeTimeoutLabel)}\"";
            return null;
        }

        if (timeout > interval)
        {
            error = $"scrape timeout cannot be greater than scrape interval (\"{builder.Get(ScrapeTimeoutLabel)}\" > \"{builder.Get(ScrapeIntervalLabel)}\")";
            return null;
        }

        SetIfMissing(builder, "instance", address);
        var all = builder.Build();
        var scheme = all.Get(SchemeLabel);
        if (scheme is not ("http" or "https"))
        {
            error = $"invalid scheme \"{scheme}\"";
            return null;
        }

        if (!Uri.TryCreate($"{scheme}://{address}{all.Get(MetricsPathLabel)}{Query(config, all)}", UriKind.Absolute, out var url))
        {
            error = $"invalid URL for address \"{address}\"";
            return null;
        }

        var labels = new LabelSetBuilder();
        foreach (var label in all)
        {
            if (!label.Name.StartsWith("__", StringComparison.Ordinal))
            {
                labels.Set(label.Name, label.Value);
            }
        }

        return new ScrapeTarget
        {
            Job = config.JobName,
            Url = url,
            Labels = labels.Build(),
            DiscoveredLabels = discovered,
            Interval = interval,
            Timeout = timeout,
            HonorLabels = config.HonorLabels,
            HonorTimestamps = config.HonorTimestamps,
            Tls = config.Http.Tls,
        };
    }

    /// <summary>The config's params, each first value replaced by its <c>__param_</c> label (which may have been relabeled).</summary>
    private static string Query(ScrapeConfig config, LabelSet labels)
    {
        var query = new StringBuilder();
        var names = config.Params.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            if (label.Name.StartsWith(ParamLabelPrefix, StringComparison.Ordinal))
            {
                names.Add(label.Name[ParamLabelPrefix.Length..]);
            }
        }

        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            var values = config.Params.FirstOrDefault(p => p.Key == name).Value ?? [];
            var first = labels.Get(ParamLabelPrefix + name);
            IEnumerable<string> all = first.Length > 0 ? [first, .. values.Skip(1)] : values;
            foreach (var value in all)
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        return query.ToString();
    }

    private static readonly ConditionalWeakTable<IReadOnlyList<RelabelConfig>, Func<LabelSetBuilder, bool>> MetricRelabelers = new();

    private static readonly ConditionalWeakTable<HttpClientConfig, IReadOnlyList<KeyValuePair<string, string>>> LastHeaders = new();

    // Credentials files are read on every build (they may be rotated); equal contents give the previous instance.
    private static IReadOnlyList<KeyValuePair<string, string>> SameHeadersAsLastBuild(HttpClientConfig http, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        if (LastHeaders.TryGetValue(http, out var last) && last.SequenceEqual(headers))
        {
            return last;
        }

        LastHeaders.AddOrUpdate(http, headers);
        return headers;
    }

    /// <summary>The Authorization header of basic_auth or authorization (files are read now).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> AuthHeaders(HttpClientConfig http)
    {
        if (http.BasicAuth is { } basic)
        {
            var user = basic.UsernameFile.Length > 0 ? File.ReadAllText(basic.UsernameFile).Trim() : basic.Username;
            var password = basic.PasswordFile.Length > 0 ? File.ReadAllText(basic.PasswordFile).Trim() : basic.Password.Reveal();
            return [new("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)))];
        }

        if (http.Authorization is { } authorization)
        {
            var credentials = authorization.CredentialsFile.Length > 0 ? File.ReadAllText(authorization.CredentialsFile).Trim() : authorization.Credentials.Reveal();
            return [new("Authorization", authorization.Type + " " + credentials)];
        }

        return [];
    }

    private static void SetIfMissing(LabelSetBuilder builder, string name, string value)
    {
        if (builder.Get(name).Length == 0)
        {
            builder.Set(name, value);
        }
    }
}

/// <summary>A scrape config's targets: those to scrape, and those relabeling dropped or that are invalid.</summary>
public sealed record TargetSet(IReadOnlyList<ScrapeTarget> Active, IReadOnlyList<DroppedTarget> Dropped);

/// <summary>A discovered target that is not scraped, and why when it is invalid (null when relabeling dropped it).</summary>
public sealed record DroppedTarget(LabelSet DiscoveredLabels, string? Error);
