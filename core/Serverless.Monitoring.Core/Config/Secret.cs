namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// A configured secret (password, credentials, key). Prints as <c>&lt;secret&gt;</c> as upstream
/// does, so logs and <c>/api/v1/status/config</c> never show it; <see cref="Reveal"/> gives the value.
/// </summary>
public readonly record struct Secret(string? Value)
{
    /// <summary>What a secret prints as.</summary>
    public const string Redacted = "<secret>";

    /// <summary>True when no secret is configured.</summary>
    public bool IsEmpty => string.IsNullOrEmpty(Value);

    /// <summary>The secret itself, for the code that uses it.</summary>
    public string Reveal() => Value ?? string.Empty;

    public override string ToString() => IsEmpty ? string.Empty : Redacted;
}
