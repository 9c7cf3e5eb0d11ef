using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Core.Notifier;

/// <summary>
/// The Alertmanagers a discovered target group stands for, as upstream: each target's labels with
/// <c>__scheme__</c> (the config's scheme) and <c>__alerts_path__</c> (<c>path_prefix</c> joined
/// with <c>/api/v2/alerts</c>), the group's labels where the target has none, then the config's
/// <c>relabel_configs</c>; the URL is <c>__scheme__://__address__ __alerts_path__</c>.
/// </summary>
public static class AlertmanagerTargets
{
    public const string SchemeLabel = "__scheme__";
    public const string PathLabel = "__alerts_path__";

    public static (List<Uri> Active, List<Uri> Dropped, List<string> Errors) FromGroup(TargetGroup group, AlertmanagerConfig config)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(config);
        var active = new List<Uri>();
        var dropped = new List<Uri>();
        var errors = new List<string>();
        foreach (var target in group.Targets)
        {
            var builder = target.ToBuilder();
            builder.Set(SchemeLabel, config.Scheme);
            builder.Set(PathLabel, AlertsPath(config.PathPrefix, config.ApiVersion));
            foreach (var label in group.Labels)
            {
                if (!target.Contains(label.Name))
                {
                    builder.Set(label.Name, label.Value);
                }
            }

            var before = builder.Build();
            if (!Relabeler.Process(builder, config.RelabelConfigs))
            {
                if (Url(before) is { } droppedUrl)
                {
                    dropped.Add(droppedUrl);
                }

                continue;
            }

            var labels = builder.Build();
            var address = labels.Get(TargetGroup.AddressLabel);
            if (address.Length == 0 || address.Contains('/', StringComparison.Ordinal))
            {
                errors.Add($"{(address.Length == 0 ? "no address" : $"\"{address}\" is not a valid hostname")} for an Alertmanager of group {group.Source}");
                continue;
            }

            if (Url(labels) is { } url)
            {
                active.Add(url);
            }
        }

        return (active, dropped, errors);
    }

    /// <summary><c>path.Join("/", prefix, "/api/v2/alerts")</c>.</summary>
    public static string AlertsPath(string prefix, string apiVersion)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var parts = $"/{prefix}/api/{apiVersion}/alerts".Split('/', StringSplitOptions.RemoveEmptyEntries);
        return "/" + string.Join('/', parts);
    }

    private static Uri? Url(LabelSet labels) =>
        Uri.TryCreate($"{labels.Get(SchemeLabel)}://{labels.Get(TargetGroup.AddressLabel)}{labels.Get(PathLabel)}", UriKind.Absolute, out var url) ? url : null;
}
