using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Alerts;

/// <summary>The alerts of one post that passed validation, and the reasons for those that did not.</summary>
/// <param name="Valid">Alerts with defaults applied, ready for <see cref="AlertStore.Put"/>.</param>
/// <param name="Errors">One reason per refused alert, in the post's order.</param>
public sealed record AlertPostResult(IReadOnlyList<Alert> Valid, IReadOnlyList<string> Errors)
{
    /// <summary>Alertmanager's 400 body (<c>types.MultiError</c>: the reasons joined by "; "); null when all passed.</summary>
    public string? ErrorText => Errors.Count == 0 ? null : string.Join("; ", Errors);
}

/// <summary>
/// What Alertmanager's <c>postAlertsHandler</c> does to posted alerts before storing them: the
/// default times (a missing start is now, or the end when only that is given; a missing end is
/// now + <c>resolve_timeout</c> with <see cref="Alert.Timeout"/> set), labels with empty values
/// dropped, then <c>model.Alert.Validate</c>. Valid alerts are kept even when others fail (best effort).
/// </summary>
public static class AlertPosting
{
    public static AlertPostResult Prepare(IEnumerable<PostableAlert> posted, DateTimeOffset now, TimeSpan resolveTimeout)
    {
        ArgumentNullException.ThrowIfNull(posted);
        var valid = new List<Alert>();
        var errors = new List<string>();
        foreach (var p in posted)
        {
            var startsAt = p.StartsAt ?? p.EndsAt ?? now;
            var timeout = p.EndsAt is null;
            var endsAt = p.EndsAt ?? now + resolveTimeout;
            var labels = p.Labels.Where(l => l.Value.Length > 0).ToList();
            var error = Validate(startsAt, endsAt, labels, p.Annotations);
            if (error is not null)
            {
                errors.Add(error);
                continue;
            }

            valid.Add(new Alert
            {
                Labels = LabelSet.FromDictionary(labels),
                Annotations = LabelSet.FromDictionary(p.Annotations),
                StartsAt = startsAt,
                EndsAt = endsAt,
                GeneratorUrl = p.GeneratorUrl,
                UpdatedAt = now,
                Timeout = timeout,
            });
        }

        return new AlertPostResult(valid, errors);
    }

    // prometheus/common model.Alert.Validate, in its order and words.
    private static string? Validate(
        DateTimeOffset startsAt,
        DateTimeOffset endsAt,
        List<KeyValuePair<string, string>> labels,
        IReadOnlyList<KeyValuePair<string, string>> annotations)
    {
        if (endsAt < startsAt)
        {
            return "start time must be before end time";
        }

        if (ValidatePairs(labels) is { } labelError)
        {
            return "invalid label set: " + labelError;
        }

        if (labels.Count == 0)
        {
            return "at least one label pair required";
        }

        return ValidatePairs(annotations) is { } annotationError ? "invalid annotations: " + annotationError : null;
    }

    /// <summary><c>model.LabelSet.Validate</c>: legacy names (the 0.25 rule), UTF-8 values, names in sorted order so the first failure is stable.</summary>
    internal static string? ValidatePairs(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs.OrderBy(p => p.Key, Utf8Ordinal.Instance))
        {
            if (!LabelValidation.IsValidLegacyLabelName(name))
            {
                return "invalid name " + LabelFormatting.GoQuote(name);
            }

            if (!LabelValidation.IsValidLabelValue(value))
            {
                return "invalid value " + LabelFormatting.GoQuote(value);
            }

            if (!seen.Add(name))
            {
                // A JSON object cannot repeat a key in Go's decoding (the last wins); we refuse it instead of guessing.
                return "duplicate name " + LabelFormatting.GoQuote(name);
            }
        }

        return null;
    }
}
