using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary><c>global</c> of <c>alertmanager.yml</c> with upstream's defaults.</summary>
public sealed record AlertmanagerGlobalConfig
{
    public const string DefaultPagerdutyUrl = "https://events.pagerduty.com/v2/enqueue";

    public static AlertmanagerGlobalConfig Default { get; } = new();

    public TimeSpan ResolveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public HttpClientConfig Http { get; init; } = HttpClientConfig.Default;

    public string SmtpFrom { get; init; } = string.Empty;

    public string SmtpHello { get; init; } = "localhost";

    public string SmtpSmarthost { get; init; } = string.Empty;

    public string SmtpAuthUsername { get; init; } = string.Empty;

    public Secret SmtpAuthPassword { get; init; }

    public string SmtpAuthPasswordFile { get; init; } = string.Empty;

    public Secret SmtpAuthSecret { get; init; }

    public string SmtpAuthIdentity { get; init; } = string.Empty;

    public bool SmtpRequireTls { get; init; } = true;

    public Secret SlackApiUrl { get; init; }

    public string SlackApiUrlFile { get; init; } = string.Empty;

    public string PagerdutyUrl { get; init; } = DefaultPagerdutyUrl;
}
