namespace Serverless.Monitoring.Core.Config;

/// <summary><c>authorization</c>: an <c>Authorization: &lt;type&gt; &lt;credentials&gt;</c> header; type defaults to <c>Bearer</c>.</summary>
public sealed record AuthorizationConfig
{
    public string Type { get; init; } = "Bearer";

    public Secret Credentials { get; init; }

    public string CredentialsFile { get; init; } = string.Empty;
}
