using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary><c>email_configs</c> entry; unset SMTP fields come from <c>global.smtp_*</c>; <c>send_resolved</c> false by default.</summary>
public sealed record EmailConfig
{
    public bool SendResolved { get; init; }

    public required string To { get; init; }

    public string From { get; init; } = string.Empty;

    public string Hello { get; init; } = string.Empty;

    public string Smarthost { get; init; } = string.Empty;

    public string AuthUsername { get; init; } = string.Empty;

    public Secret AuthPassword { get; init; }

    public string AuthPasswordFile { get; init; } = string.Empty;

    public Secret AuthSecret { get; init; }

    public string AuthIdentity { get; init; } = string.Empty;

    /// <summary>Headers with canonical names; <c>Subject</c> defaults to the <c>email.default.subject</c> template.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string Html { get; init; } = """{{ template "email.default.html" . }}""";

    public string Text { get; init; } = string.Empty;

    public bool? RequireTls { get; init; }

    public TlsConfig Tls { get; init; } = TlsConfig.Default;
}
