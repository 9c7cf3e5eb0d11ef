using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Silences;

/// <summary>Alertmanager 0.25's checks of a silence, in its order and words.</summary>
public static class SilenceValidation
{
    /// <summary>
    /// The API's checks before storing (<c>postSilencesHandler</c>): the start before the end, the end
    /// not in the past. Null when the silence may be posted.
    /// </summary>
    public static string? ValidatePost(Silence silence, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(silence);
        if (silence.StartsAt >= silence.EndsAt)
        {
            return "Failed to create silence: start time must be before end time";
        }

        return silence.EndsAt < now ? "Failed to create silence: end time can't be in the past" : null;
    }

    /// <summary><c>validateSilence</c> (the store's check); null when valid.</summary>
    public static string? Validate(Silence silence)
    {
        ArgumentNullException.ThrowIfNull(silence);
        if (silence.Id.Length == 0)
        {
            return "ID missing";
        }

        if (silence.Matchers.Count == 0)
        {
            return "at least one matcher required";
        }

        var allMatchEmpty = true;
        for (var i = 0; i < silence.Matchers.Count; i++)
        {
            if (ValidateMatcher(silence.Matchers[i]) is { } error)
            {
                return $"invalid label matcher {i}: {error}";
            }

            allMatchEmpty &= MatchesEmpty(silence.Matchers[i]);
        }

        if (allMatchEmpty)
        {
            return "at least one matcher must not match the empty string";
        }

        if (silence.StartsAt == default)
        {
            return "invalid zero start timestamp";
        }

        if (silence.EndsAt == default)
        {
            return "invalid zero end timestamp";
        }

        if (silence.EndsAt < silence.StartsAt)
        {
            return "end time must not be before start time";
        }

        return silence.UpdatedAt == default ? "invalid zero update timestamp" : null;
    }

    /// <summary><c>ValidateMatcher</c>: a legacy label name; a valid value, or a regex that compiles.</summary>
    public static string? ValidateMatcher(SilenceMatcher matcher)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        if (!LabelValidation.IsValidLegacyLabelName(matcher.Name))
        {
            return "invalid label name " + LabelFormatting.GoQuote(matcher.Name);
        }

        if (!matcher.IsRegex)
        {
            return LabelValidation.IsValidLabelValue(matcher.Pattern) ? null : "invalid label value " + LabelFormatting.GoQuote(matcher.Pattern);
        }

        // Upstream compiles the pattern as given (not anchored), so Go's error names it alone.
        if (!Templates.GoRegexp.TryCompile(matcher.Pattern, out _, out var regexError))
        {
            return $"invalid regular expression {LabelFormatting.GoQuote(matcher.Pattern)}: {regexError}";
        }

        try
        {
            _ = matcher.ToLabelMatcher();
            return null;
        }
        catch (ArgumentException ex)
        {
            return $"invalid regular expression {LabelFormatting.GoQuote(matcher.Pattern)}: error parsing regexp: {ex.Message}";
        }
    }

    // Upstream's matchesEmpty looks at = and =~ only: a negative matcher never counts as matching "".
    private static bool MatchesEmpty(SilenceMatcher m) => m.Type switch
    {
        LabelMatchType.Equal => m.Pattern.Length == 0,
        LabelMatchType.RegexMatch => m.ToLabelMatcher().Matches(""),
        _ => false,
    };
}
