using System.Text.RegularExpressions;

namespace Serverless.Monitoring.Core.Alerting.Router;

/// <summary>
/// The configuration text as <c>/api/v2/status</c> shows it: the file as written, with the value of
/// every secret field (those upstream types as <c>Secret</c> or <c>SecretURL</c>) replaced by
/// <c>&lt;secret&gt;</c>, as upstream prints them.
/// </summary>
public static partial class ConfigRedaction
{
    private static readonly HashSet<string> SecretKeys = new(StringComparer.Ordinal)
    {
        "slack_api_url", "api_url", "routing_key", "service_key", "webhook_url", "password",
        "credentials", "auth_password", "auth_secret", "smtp_auth_password", "smtp_auth_secret",
        "key", "client_secret", "api_key", "token", "bot_token", "app_token",
    };

    /// <summary>Each <c>key: value</c> (block or flow-less form, any indentation, in a list item or not) of a secret key gets <c>&lt;secret&gt;</c>.</summary>
    public static string Redact(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return KeyValue().Replace(yaml, m =>
            SecretKeys.Contains(m.Groups["key"].Value) && m.Groups["value"].Value.Trim().Length > 0
                ? m.Groups["head"].Value + "<secret>"
                : m.Value);
    }

    [GeneratedRegex(@"^(?<head>[ \t]*(?:-[ \t]+)?['""]?(?<key>[A-Za-z_]+)['""]?[ \t]*:[ \t]+)(?<value>[^\r\n#]*)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValue();
}
