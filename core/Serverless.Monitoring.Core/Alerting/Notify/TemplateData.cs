using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// Alertmanager's <c>template.Alert</c>: one alert as notification templates and the webhook see it.
/// </summary>
public sealed class TemplateAlert : GoStruct
{
    private static readonly string[] Names = ["Status", "Labels", "Annotations", "StartsAt", "EndsAt", "GeneratorURL", "Fingerprint"];

    /// <summary>Go's zero <c>time.Time</c> (0001-01-01 UTC), the <c>EndsAt</c> of a firing alert.</summary>
    private static readonly GoTime ZeroTime = GoTime.FromUnix(-62135596800, 0);

    public TemplateAlert(Alert alert, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        Source = alert;
        Status = alert.ResolvedAt(now) ? "resolved" : "firing";
        Labels = TemplateKV.From(alert.Labels);
        Annotations = TemplateKV.From(alert.Annotations);
        Fingerprint = AlertFingerprint.Format(alert.Fingerprint);
    }

    /// <summary><c>template.Alert</c>.</summary>
    public static GoType AlertType { get; } = new("template.Alert", GoKind.Struct);

    public Alert Source { get; }

    /// <summary><c>firing</c> or <c>resolved</c>, at the time the notification is built.</summary>
    public string Status { get; }

    public TemplateKV Labels { get; }

    public TemplateKV Annotations { get; }

    public DateTimeOffset StartsAt => Source.StartsAt;

    /// <summary>The end; null is Go's zero time.</summary>
    public DateTimeOffset? EndsAt => Source.EndsAt;

    public string GeneratorUrl => Source.GeneratorUrl;

    /// <summary>As <c>%016x</c>.</summary>
    public string Fingerprint { get; }

    public override GoType Type => AlertType;

    public override IReadOnlyList<string> FieldNames => Names;

    public override object? GetField(int index) => index switch
    {
        0 => Status,
        1 => Labels,
        2 => Annotations,
        3 => Time(StartsAt),
        4 => EndsAt is { } end ? Time(end) : ZeroTime,
        5 => GeneratorUrl,
        _ => Fingerprint,
    };

    // Go keeps the zone the time was parsed with; a fixed offset other than UTC has no name.
    private static GoTime Time(DateTimeOffset t) =>
        GoTime.FromUnix(t.ToUnixTimeSeconds(), (t.UtcTicks % TimeSpan.TicksPerSecond) * 100, (int)t.Offset.TotalSeconds, t.Offset == TimeSpan.Zero ? "UTC" : "");
}

/// <summary>
/// Alertmanager's <c>template.Data</c> (passed to templates as <c>*template.Data</c>): what every
/// notification is built from — receiver, status, alerts, group labels, the labels and
/// annotations common to all alerts, and the external URL.
/// </summary>
public sealed class TemplateData : GoStruct
{
    private static readonly string[] Names = ["Receiver", "Status", "Alerts", "GroupLabels", "CommonLabels", "CommonAnnotations", "ExternalURL"];

    private TemplateData(string receiver, string status, IReadOnlyList<TemplateAlert> alerts, TemplateKV groupLabels, TemplateKV commonLabels, TemplateKV commonAnnotations, string externalUrl)
    {
        Receiver = receiver;
        Status = status;
        Alerts = alerts;
        GroupLabels = groupLabels;
        CommonLabels = commonLabels;
        CommonAnnotations = commonAnnotations;
        ExternalUrl = externalUrl;
        AlertsValue = AlertsOf(AlertsType, alerts);
    }

    /// <summary><c>template.Data</c>.</summary>
    public static GoType DataType { get; } = new("template.Data", GoKind.Struct);

    /// <summary><c>*template.Data</c>, what templates receive.</summary>
    public static GoType DataPointerType { get; } = new("*template.Data", GoKind.Pointer, DataType);

    /// <summary><c>template.Alerts</c>, with <c>Firing</c> and <c>Resolved</c>.</summary>
    public static GoType AlertsType { get; } = new("template.Alerts", GoKind.Slice, TemplateAlert.AlertType);

    /// <summary><c>[]template.Alert</c>, what <c>Firing</c> and <c>Resolved</c> return.</summary>
    public static GoType AlertSliceType { get; } = new("[]template.Alert", GoKind.Slice, TemplateAlert.AlertType);

    /// <summary>The receiver's name through <c>regexp.QuoteMeta</c>, as upstream puts it (and so the webhook's <c>receiver</c>).</summary>
    public string Receiver { get; }

    /// <summary><c>firing</c> when any alert fires, else <c>resolved</c>.</summary>
    public string Status { get; }

    public IReadOnlyList<TemplateAlert> Alerts { get; }

    public TemplateKV GroupLabels { get; }

    public TemplateKV CommonLabels { get; }

    public TemplateKV CommonAnnotations { get; }

    public string ExternalUrl { get; }

    public override GoType Type => DataPointerType;

    public override IReadOnlyList<string> FieldNames => Names;

    private GoSlice AlertsValue { get; }

    public IEnumerable<TemplateAlert> Firing => Alerts.Where(a => a.Status == "firing");

    public IEnumerable<TemplateAlert> Resolved => Alerts.Where(a => a.Status == "resolved");

    /// <summary>
    /// Upstream's <c>Template.Data</c>: the alerts in the order given, each alert's status at
    /// <paramref name="now"/>, labels and annotations common to every alert.
    /// </summary>
    public static TemplateData Create(string receiver, LabelSet groupLabels, IReadOnlyList<Alert> alerts, string externalUrl, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(groupLabels);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(externalUrl);
        var items = alerts.Select(a => new TemplateAlert(a, now)).ToArray();
        var status = items.Any(a => a.Status == "firing") ? "firing" : "resolved";
        var commonLabels = TemplateKV.Empty;
        var commonAnnotations = TemplateKV.Empty;
        if (alerts.Count > 0)
        {
            commonLabels = Common(alerts.Select(a => a.Labels));
            commonAnnotations = Common(alerts.Select(a => a.Annotations));
        }

        return new TemplateData(QuoteMeta(receiver), status, items, TemplateKV.From(groupLabels), commonLabels, commonAnnotations, externalUrl);
    }

    public override object? GetField(int index) => index switch
    {
        0 => Receiver,
        1 => Status,
        2 => AlertsValue,
        3 => GroupLabels,
        4 => CommonLabels,
        5 => CommonAnnotations,
        _ => ExternalUrl,
    };

    /// <summary>Go's <c>regexp.QuoteMeta</c>: a backslash before each of <c>\.+*?()|[]{}^$</c>.</summary>
    public static string QuoteMeta(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (@"\.+*?()|[]{}^$".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static TemplateKV Common(IEnumerable<LabelSet> sets)
    {
        Dictionary<string, string>? common = null;
        foreach (var set in sets)
        {
            if (common is null)
            {
                common = set.ToDictionary(l => l.Name, l => l.Value, StringComparer.Ordinal);
                continue;
            }

            foreach (var (name, value) in common.ToArray())
            {
                if (set.Get(name) != value)
                {
                    common.Remove(name);
                }
            }
        }

        return TemplateKV.From(common ?? []);
    }

    private static GoSlice AlertsOf(GoType type, IEnumerable<TemplateAlert> alerts) => GoSlice.Of(type, alerts.Cast<object?>().ToArray());

    static TemplateData()
    {
        AlertsType.WithMethods(
            new TemplateFunction("Firing", [], null, static (c, _) => Filter(c, "firing")),
            new TemplateFunction("Resolved", [], null, static (c, _) => Filter(c, "resolved")));
    }

    private static GoSlice Filter(TemplateCall call, string status)
    {
        var slice = (GoSlice)call.Receiver!;
        var result = new List<TemplateAlert>();
        for (var i = 0; i < slice.Count; i++)
        {
            if (slice[i] is TemplateAlert a && a.Status == status)
            {
                result.Add(a);
            }
        }

        return AlertsOf(AlertSliceType, result);
    }
}
