using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>The rule manager's settings (upstream's <c>ManagerOptions</c> and <c>--rules.*</c> flags).</summary>
public sealed record RuleEvaluationOptions
{
    /// <summary>Expands alert label and annotation templates.</summary>
    public required IAlertTemplateExpander TemplateExpander { get; init; }

    /// <summary>The PromQL engine's settings for rule queries.</summary>
    public PromQLEngineOptions EngineOptions { get; init; } = new();

    /// <summary><c>global.external_labels</c>, for templates (<c>$externalLabels</c>).</summary>
    public LabelSet ExternalLabels { get; init; } = LabelSet.Empty;

    /// <summary><c>--web.external-url</c>: templates and alerts' generator URL.</summary>
    public string ExternalUrl { get; init; } = string.Empty;

    /// <summary><c>global.rule_query_offset</c>: the query offset of groups without their own.</summary>
    public TimeSpan DefaultQueryOffset { get; init; } = TimeSpan.Zero;

    /// <summary><c>--rules.alert.resend-delay</c> (1m): least time between two sends of an unchanged alert.</summary>
    public TimeSpan ResendDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary><c>--rules.alert.for-outage-tolerance</c> (1h): how far back restoring <c>for</c> state looks.</summary>
    public TimeSpan OutageTolerance { get; init; } = TimeSpan.FromHours(1);

    /// <summary><c>--rules.alert.for-grace-period</c> (10m): least time left before a restored alert may fire.</summary>
    public TimeSpan ForGracePeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The wall clock: evaluation durations, last evaluation times and the restore time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where failed rules and templates are logged.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
