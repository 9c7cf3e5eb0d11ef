using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Dispatch;

/// <summary>
/// The order of alerts in a notification (<c>types.AlertSlice</c>): by <c>job</c>, then <c>instance</c>
/// (an alert with the label before one without), then by label set as <c>model.LabelSet.Before</c>
/// (fewer labels first, then the first differing value over the union of names in byte order).
/// </summary>
public sealed class AlertOrder : IComparer<Alert>
{
    public static AlertOrder Instance { get; } = new();

    private static readonly string[] OverrideKeys = ["job", "instance"];

    public int Compare(Alert? x, Alert? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        foreach (var key in OverrideKeys)
        {
            var xOk = x.Labels.TryGetValue(key, out var xv);
            var yOk = y.Labels.TryGetValue(key, out var yv);
            if (!xOk && !yOk)
            {
                continue;
            }

            if (!xOk)
            {
                return 1;
            }

            if (!yOk)
            {
                return -1;
            }

            var c = Utf8Ordinal.Instance.Compare(xv, yv);
            if (c != 0)
            {
                return c;
            }
        }

        return Before(x.Labels, y.Labels) ? -1 : Before(y.Labels, x.Labels) ? 1 : 0;
    }

    private static bool Before(LabelSet a, LabelSet b)
    {
        if (a.Count != b.Count)
        {
            return a.Count < b.Count;
        }

        var names = a.Select(l => l.Name).Concat(b.Select(l => l.Name)).Order(Utf8Ordinal.Instance);
        foreach (var name in names)
        {
            if (!a.TryGetValue(name, out var av))
            {
                return true;
            }

            if (!b.TryGetValue(name, out var bv))
            {
                return false;
            }

            var c = Utf8Ordinal.Instance.Compare(av, bv);
            if (c != 0)
            {
                return c < 0;
            }
        }

        return false;
    }
}
