namespace Serverless.Monitoring.Core.Config;

/// <summary><c>basic_auth</c>: a user name and a password given inline or read from a file.</summary>
public sealed record BasicAuth
{
    public string Username { get; init; } = string.Empty;

    public string UsernameFile { get; init; } = string.Empty;

    public Secret Password { get; init; }

    public string PasswordFile { get; init; } = string.Empty;
}
