namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary>One of <c>receivers</c>: a name and the integrations it notifies.</summary>
public sealed record ReceiverConfig
{
    public required string Name { get; init; }

    public IReadOnlyList<WebhookConfig> WebhookConfigs { get; init; } = [];

    public IReadOnlyList<SlackConfig> SlackConfigs { get; init; } = [];

    public IReadOnlyList<PagerdutyConfig> PagerdutyConfigs { get; init; } = [];

    public IReadOnlyList<MsTeamsConfig> MsTeamsConfigs { get; init; } = [];

    public IReadOnlyList<EmailConfig> EmailConfigs { get; init; } = [];
}
