namespace Serverless.Monitoring.Core.Rules;

/// <summary>A rule whose result series become alerts named <see cref="Rule.Name"/> (<c>alert:</c>).</summary>
public sealed record AlertingRule : Rule
{
    /// <summary><c>for</c>: how long an alert stays pending before it fires; zero fires at once.</summary>
    public TimeSpan For { get; init; }

    /// <summary><c>keep_firing_for</c>: how long a firing alert keeps firing after its series is gone.</summary>
    public TimeSpan KeepFiringFor { get; init; }

    /// <summary><c>annotations</c>, sorted by name; the values are templates.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Annotations { get; init; } = [];
}
