using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Silences;

/// <summary>A silence's state at a time: pending before its start, expired after its end, active between (both ends included).</summary>
public enum SilenceState
{
    Expired,
    Active,
    Pending,
}

/// <summary>One matcher of a silence as stored (<c>silencepb.Matcher</c>): compared by value, so an update can tell whether the matchers changed.</summary>
public sealed record SilenceMatcher(string Name, string Pattern, LabelMatchType Type)
{
    /// <summary>The API's <c>{name, value, isRegex, isEqual}</c>.</summary>
    public static SilenceMatcher FromApi(string name, string value, bool isRegex, bool isEqual) =>
        new(name, value, (isRegex, isEqual) switch
        {
            (false, true) => LabelMatchType.Equal,
            (false, false) => LabelMatchType.NotEqual,
            (true, true) => LabelMatchType.RegexMatch,
            _ => LabelMatchType.RegexNoMatch,
        });

    public bool IsRegex => Type is LabelMatchType.RegexMatch or LabelMatchType.RegexNoMatch;

    public bool IsEqual => Type is LabelMatchType.Equal or LabelMatchType.RegexMatch;

    internal LabelMatcher ToLabelMatcher() => LabelMatcher.Create(Type, Name, Pattern);
}

/// <summary>A silence (<c>silencepb.Silence</c>).</summary>
public sealed record Silence
{
    /// <summary>Empty for a new silence; the ID to update otherwise.</summary>
    public string Id { get; init; } = "";

    public required IReadOnlyList<SilenceMatcher> Matchers { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public required DateTimeOffset EndsAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string CreatedBy { get; init; } = "";

    public string Comment { get; init; } = "";

    public SilenceState StateAt(DateTimeOffset now) =>
        now < StartsAt ? SilenceState.Pending : now > EndsAt ? SilenceState.Expired : SilenceState.Active;

    /// <summary>Matchers compared by value, in order (Go's <c>reflect.DeepEqual</c> on the list).</summary>
    internal bool SameMatchers(Silence other) => Matchers.SequenceEqual(other.Matchers);
}
