namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// <c>tls_server_config.client_auth_type</c>: whether the server asks for a client certificate
/// and checks it against the client CAs (Go's <c>tls.ClientAuthType</c>, by the same names).
/// </summary>
public enum ClientAuthType
{
    /// <summary><c>NoClientCert</c> (the default): no certificate is asked for.</summary>
    NoClientCert,

    /// <summary><c>RequestClientCert</c>: asked for, not required, not verified.</summary>
    RequestClientCert,

    /// <summary><c>RequireAnyClientCert</c> (also <c>RequireClientCert</c>): required, not verified.</summary>
    RequireAnyClientCert,

    /// <summary><c>VerifyClientCertIfGiven</c>: not required, verified when given.</summary>
    VerifyClientCertIfGiven,

    /// <summary><c>RequireAndVerifyClientCert</c>: required and verified against the client CAs.</summary>
    RequireAndVerifyClientCert,
}
