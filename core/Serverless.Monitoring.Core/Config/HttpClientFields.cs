namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// Collects the HTTP client fields inlined in a config section (<c>basic_auth</c>,
/// <c>authorization</c>, <c>tls_config</c>, …) and checks them as upstream's
/// <c>HTTPClientConfig.Validate</c> does.
/// </summary>
internal sealed class HttpClientFields(ConfigParser parser, HttpClientConfig defaults)
{
    private static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal)
    {
        "oauth2", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header", "http_headers",
    };

    private BasicAuth? _basicAuth;
    private ConfigNode _basicAuthNode;
    private AuthorizationConfig? _authorization;
    private ConfigNode _authorizationNode;
    private Secret _bearerToken;
    private string _bearerTokenFile = string.Empty;
    private ConfigNode _bearerNode;
    private TlsConfig _tls = defaults.Tls;
    private bool _followRedirects = defaults.FollowRedirects;
    private bool _enableHttp2 = defaults.EnableHttp2;

    /// <summary>True when <paramref name="key"/> is an HTTP client field (then it is consumed).</summary>
    public bool TryField(string key, ConfigNode value, string typeName)
    {
        switch (key)
        {
            case "basic_auth":
                _basicAuthNode = value;
                _basicAuth = value.IsNull ? null : ParseBasicAuth(value);
                return true;
            case "authorization":
                _authorizationNode = value;
                _authorization = value.IsNull ? null : ParseAuthorization(value);
                return true;
            case "bearer_token":
                _bearerNode = value;
                _bearerToken = new Secret(value.String());
                return true;
            case "bearer_token_file":
                _bearerNode = value;
                _bearerTokenFile = parser.ResolvePath(value.String());
                return true;
            case "tls_config":
                _tls = ParseTls(value);
                return true;
            case "follow_redirects":
                _followRedirects = value.Bool();
                return true;
            case "enable_http2":
                _enableHttp2 = value.Bool();
                return true;
            default:
                if (Unsupported.Contains(key))
                {
                    throw value.Error($"field {key} is not supported yet (type {typeName})");
                }

                return false;
        }
    }

    /// <summary>Validates and builds; errors point at the section <paramref name="owner"/> or the offending field.</summary>
    public HttpClientConfig Build(ConfigNode owner)
    {
        var bearerNode = _bearerNode.Node is null ? owner : _bearerNode;
        if (!_bearerToken.IsEmpty && _bearerTokenFile.Length > 0)
        {
            throw bearerNode.Error("at most one of bearer_token & bearer_token_file must be configured");
        }

        var hasBearer = !_bearerToken.IsEmpty || _bearerTokenFile.Length > 0;
        if (_basicAuth is not null && hasBearer)
        {
            throw bearerNode.Error("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
        }

        if (_basicAuth is not null)
        {
            if (Count(_basicAuth.Username.Length > 0, _basicAuth.UsernameFile.Length > 0) > 1)
            {
                throw _basicAuthNode.Error("at most one of basic_auth username, username_file & username_ref must be configured");
            }

            if (Count(!_basicAuth.Password.IsEmpty, _basicAuth.PasswordFile.Length > 0) > 1)
            {
                throw _basicAuthNode.Error("at most one of basic_auth password, password_file & password_ref must be configured");
            }
        }

        var authorization = _authorization;
        if (authorization is not null)
        {
            if (hasBearer)
            {
                throw _authorizationNode.Error("authorization is not compatible with bearer_token & bearer_token_file");
            }

            if (Count(!authorization.Credentials.IsEmpty, authorization.CredentialsFile.Length > 0) > 1)
            {
                throw _authorizationNode.Error("at most one of authorization credentials & credentials_file must be configured");
            }

            var type = authorization.Type.Trim();
            authorization = authorization with { Type = type.Length == 0 ? "Bearer" : type };
            if (authorization.Type.Equals("basic", StringComparison.OrdinalIgnoreCase))
            {
                throw _authorizationNode.Error("authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
            }

            if (_basicAuth is not null)
            {
                throw _authorizationNode.Error("at most one of basic_auth, oauth2 & authorization must be configured");
            }
        }
        else if (hasBearer)
        {
            authorization = new AuthorizationConfig { Credentials = _bearerToken, CredentialsFile = _bearerTokenFile };
        }

        return new HttpClientConfig
        {
            BasicAuth = _basicAuth,
            Authorization = authorization,
            Tls = _tls,
            FollowRedirects = _followRedirects,
            EnableHttp2 = _enableHttp2,
        };
    }

    private static int Count(params ReadOnlySpan<bool> flags)
    {
        var n = 0;
        foreach (var f in flags)
        {
            n += f ? 1 : 0;
        }

        return n;
    }

    private BasicAuth ParseBasicAuth(ConfigNode node)
    {
        var b = new BasicAuth();
        node.Fields("config.BasicAuth", (key, v) =>
        {
            switch (key)
            {
                case "username": b = b with { Username = v.String() }; return true;
                case "username_file": b = b with { UsernameFile = parser.ResolvePath(v.String()) }; return true;
                case "password": b = b with { Password = new Secret(v.String()) }; return true;
                case "password_file": b = b with { PasswordFile = parser.ResolvePath(v.String()) }; return true;
                case "username_ref" or "password_ref": throw v.Error($"field {key} is not supported yet (type config.BasicAuth)");
                default: return false;
            }
        });
        return b;
    }

    private AuthorizationConfig ParseAuthorization(ConfigNode node)
    {
        var a = new AuthorizationConfig { Type = string.Empty };
        node.Fields("config.Authorization", (key, v) =>
        {
            switch (key)
            {
                case "type": a = a with { Type = v.String() }; return true;
                case "credentials": a = a with { Credentials = new Secret(v.String()) }; return true;
                case "credentials_file": a = a with { CredentialsFile = parser.ResolvePath(v.String()) }; return true;
                case "credentials_ref": throw v.Error("field credentials_ref is not supported yet (type config.Authorization)");
                default: return false;
            }
        });
        return a;
    }

    private TlsConfig ParseTls(ConfigNode node)
    {
        var t = new TlsConfig();
        node.Fields("config.TLSConfig", (key, v) =>
        {
            switch (key)
            {
                case "ca": t = t with { Ca = v.String() }; return true;
                case "ca_file": t = t with { CaFile = parser.ResolvePath(v.String()) }; return true;
                case "cert": t = t with { Cert = v.String() }; return true;
                case "cert_file": t = t with { CertFile = parser.ResolvePath(v.String()) }; return true;
                case "key": t = t with { Key = new Secret(v.String()) }; return true;
                case "key_file": t = t with { KeyFile = parser.ResolvePath(v.String()) }; return true;
                case "server_name": t = t with { ServerName = v.String() }; return true;
                case "insecure_skip_verify": t = t with { InsecureSkipVerify = v.Bool() }; return true;
                case "min_version": t = t with { MinVersion = TlsVersion(v) }; return true;
                case "max_version": t = t with { MaxVersion = TlsVersion(v) }; return true;
                case "ca_ref" or "cert_ref" or "key_ref": throw v.Error($"field {key} is not supported yet (type config.TLSConfig)");
                default: return false;
            }
        });

        if (t.Ca.Length > 0 && t.CaFile.Length > 0)
        {
            throw node.Error("at most one of ca, ca_file & ca_ref must be configured");
        }

        if (t.Cert.Length > 0 && t.CertFile.Length > 0)
        {
            throw node.Error("at most one of cert, cert_file & cert_ref must be configured");
        }

        if (!t.Key.IsEmpty && t.KeyFile.Length > 0)
        {
            throw node.Error("at most one of key and key_file must be configured");
        }

        var cert = t.Cert.Length > 0 || t.CertFile.Length > 0;
        var key = !t.Key.IsEmpty || t.KeyFile.Length > 0;
        if (cert && !key)
        {
            throw node.Error("exactly one of key or key_file must be configured when a client certificate is configured");
        }

        if (key && !cert)
        {
            throw node.Error("exactly one of cert or cert_file must be configured when a client key is configured");
        }

        return t;
    }

    private static string TlsVersion(ConfigNode v)
    {
        var s = v.String();
        return s is "TLS10" or "TLS11" or "TLS12" or "TLS13" ? s : throw v.Error($"unknown TLS version: {s}");
    }
}
