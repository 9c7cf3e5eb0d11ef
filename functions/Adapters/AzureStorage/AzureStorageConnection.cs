using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Azure.Core;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Where an Azure Storage account's services live and how to authorize against them: the
/// account key (from a connection string, e.g. Azurite) or an Entra ID token credential
/// (managed identity in Azure). Parsed and checked here, before any SDK client sees it, so a
/// malformed connection string fails start-up saying what is wrong without echoing the key.
/// </summary>
public sealed class AzureStorageConnection
{
    /// <summary>Azurite's well-known development account (public, documented in Azurite's README).</summary>
    internal const string DevelopmentAccountName = "devstoreaccount1";

    internal const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string DefaultEndpointSuffix = "core.windows.net";

    private const string ErrorPrefix = "Invalid Azure Storage connection string: ";

    // Longest value a message quotes; a longer one is not shown.
    private const int MaxQuotedLength = 200;

    // Portal connection strings carry these; they name services or replicas we never use.
    private static readonly HashSet<string> IgnoredSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "FileEndpoint", "BlobSecondaryEndpoint", "QueueSecondaryEndpoint", "TableSecondaryEndpoint", "FileSecondaryEndpoint",
    };

    private static readonly HashSet<string> KnownSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "DefaultEndpointsProtocol", "AccountName", "AccountKey", "EndpointSuffix", "BlobEndpoint", "TableEndpoint",
        "QueueEndpoint", "UseDevelopmentStorage", "DevelopmentStorageProxyUri", "SharedAccessSignature",
    };

    private readonly byte[]? _accountKey;

    private AzureStorageConnection(string accountName, Uri blob, Uri table, Uri queue, byte[]? accountKey, TokenCredential? credential)
    {
        AccountName = accountName;
        BlobEndpoint = blob;
        TableEndpoint = table;
        QueueEndpoint = queue;
        _accountKey = accountKey;
        Credential = credential;
    }

    /// <summary>The storage account name (for token connections, read from the blob endpoint).</summary>
    public string AccountName { get; }

    /// <summary>Blob service endpoint without a trailing slash, e.g. <c>https://acct.blob.core.windows.net</c>.</summary>
    public Uri BlobEndpoint { get; }

    public Uri TableEndpoint { get; }

    public Uri QueueEndpoint { get; }

    /// <summary>The Entra ID credential, or <c>null</c> when the connection uses the account key.</summary>
    public TokenCredential? Credential { get; }

    public bool UsesAccountKey => _accountKey is not null;

    /// <summary>The decoded account key; null for token connections. Never printed.</summary>
    internal ReadOnlySpan<byte> AccountKey => _accountKey;

    /// <summary>
    /// Parses an Azure Storage connection string (<c>AccountName</c>, <c>AccountKey</c>,
    /// <c>DefaultEndpointsProtocol</c>, <c>EndpointSuffix</c>, <c>BlobEndpoint</c>/<c>TableEndpoint</c>/<c>QueueEndpoint</c>,
    /// or <c>UseDevelopmentStorage=true</c> for Azurite's defaults).
    /// </summary>
    /// <exception cref="FormatException">The string is malformed; the message says what is wrong, never the key.</exception>
    public static AzureStorageConnection Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = Split(connectionString);

        if (settings.TryGetValue("UseDevelopmentStorage", out var useDev))
        {
            return ParseDevelopmentStorage(settings, useDev);
        }

        if (settings.ContainsKey("SharedAccessSignature"))
        {
            throw Fail("SharedAccessSignature connection strings are not supported; use AccountName and AccountKey, " +
                "or a managed identity (FromServiceUris with a TokenCredential).");
        }

        if (settings.ContainsKey("DevelopmentStorageProxyUri"))
        {
            throw Fail("DevelopmentStorageProxyUri is only valid together with UseDevelopmentStorage=true, and is not supported.");
        }

        if (!settings.TryGetValue("AccountName", out var accountName) || accountName.Length == 0)
        {
            throw Fail("AccountName is missing.");
        }

        if (accountName.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\' or '?' or '#' or ':'))
        {
            throw Fail($"AccountName {Quote(accountName)} contains characters that are not allowed in an account name.");
        }

        if (!settings.TryGetValue("AccountKey", out var keyText) || keyText.Length == 0)
        {
            throw Fail("AccountKey is missing (for a managed identity, build the connection with FromServiceUris and a TokenCredential).");
        }

        var key = DecodeKey(keyText);

        var protocol = "https";
        if (settings.TryGetValue("DefaultEndpointsProtocol", out var protocolText))
        {
            protocol = protocolText.ToLowerInvariant();
            if (protocol is not ("http" or "https"))
            {
                throw Fail($"DefaultEndpointsProtocol must be 'http' or 'https', not {Quote(protocolText)}.");
            }
        }

        var suffix = DefaultEndpointSuffix;
        if (settings.TryGetValue("EndpointSuffix", out var suffixText))
        {
            if (suffixText.Length == 0 || suffixText.IndexOfAny(['/', ':', '?', '#', ' ']) >= 0)
            {
                throw Fail($"EndpointSuffix must be a DNS suffix such as 'core.windows.net', not {Quote(suffixText)}.");
            }

            suffix = suffixText.Trim('.');
        }

        Uri Endpoint(string setting, string service) =>
            settings.TryGetValue(setting, out var explicitUri)
                ? ParseEndpoint(setting, explicitUri)
                : ParseEndpoint(setting, $"{protocol}://{accountName}.{service}.{suffix}");

        return new AzureStorageConnection(accountName, Endpoint("BlobEndpoint", "blob"), Endpoint("TableEndpoint", "table"),
            Endpoint("QueueEndpoint", "queue"), key, credential: null);
    }

    /// <summary>
    /// Like <see cref="Parse"/>, but a malformed string gives <paramref name="problem"/>: what is
    /// wrong with it, in words that never contain the key (e.g. <c>AccountKey is not valid base64.</c>).
    /// </summary>
    public static bool TryParse(
        string connectionString,
        [NotNullWhen(true)] out AzureStorageConnection? connection,
        [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        try
        {
            connection = Parse(connectionString);
            problem = null;
            return true;
        }
        catch (FormatException ex)
        {
            connection = null;
            problem = ex.Message.StartsWith(ErrorPrefix, StringComparison.Ordinal) ? ex.Message[ErrorPrefix.Length..] : ex.Message;
            return false;
        }
    }

    /// <summary>
    /// A connection that authorizes with Entra ID tokens (scope <c>https://storage.azure.com/.default</c>),
    /// e.g. <c>new ManagedIdentityCredential()</c>. The endpoints must be https.
    /// </summary>
    public static AzureStorageConnection FromServiceUris(Uri blob, Uri table, Uri queue, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(credential);
        var blobEndpoint = CheckServiceUri(blob, nameof(blob));
        return new AzureStorageConnection(AccountFromEndpoint(blobEndpoint), blobEndpoint, CheckServiceUri(table, nameof(table)),
            CheckServiceUri(queue, nameof(queue)), accountKey: null, credential);
    }

    /// <summary>Settings without the key, for logs and messages.</summary>
    public override string ToString() =>
        $"AccountName={AccountName};BlobEndpoint={BlobEndpoint};TableEndpoint={TableEndpoint};QueueEndpoint={QueueEndpoint};" +
        $"Auth={(UsesAccountKey ? "AccountKey" : "TokenCredential")}";

    /// <summary>
    /// The connection in the SDKs' own connection-string form, every endpoint spelled out, for
    /// the Blob, Table and Queue clients. Holds the key: never log it.
    /// </summary>
    internal string ToSdkConnectionString()
    {
        if (_accountKey is null)
        {
            throw new InvalidOperationException("A token connection has no connection string; build the clients with its Credential.");
        }

        return $"AccountName={AccountName};AccountKey={Convert.ToBase64String(_accountKey)};" +
            $"BlobEndpoint={BlobEndpoint.AbsoluteUri};TableEndpoint={TableEndpoint.AbsoluteUri};QueueEndpoint={QueueEndpoint.AbsoluteUri}";
    }

    private static AzureStorageConnection ParseDevelopmentStorage(Dictionary<string, string> settings, string value)
    {
        if (!string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
        {
            throw Fail($"UseDevelopmentStorage must be 'true', not {Quote(value)}.");
        }

        var other = settings.Keys.FirstOrDefault(k => !string.Equals(k, "UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase));
        if (other is not null)
        {
            throw Fail($"UseDevelopmentStorage=true cannot be combined with {other}; for Azurite on other ports, " +
                "spell out AccountName, AccountKey and the BlobEndpoint/QueueEndpoint/TableEndpoint settings.");
        }

        // Azurite's documented defaults: path-style endpoints on loopback.
        return new AzureStorageConnection(
            DevelopmentAccountName,
            new Uri($"http://127.0.0.1:10000/{DevelopmentAccountName}"),
            new Uri($"http://127.0.0.1:10002/{DevelopmentAccountName}"),
            new Uri($"http://127.0.0.1:10001/{DevelopmentAccountName}"),
            Convert.FromBase64String(DevelopmentAccountKey),
            credential: null);
    }

    private static Dictionary<string, string> Split(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw Fail("it is empty.");
        }

        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var segments = connectionString.Split(';');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i].Trim();
            if (segment.Length == 0)
            {
                continue; // "a=b;;c=d" and a trailing ';' are common and harmless.
            }

            // Split at the first '=' only: base64 keys end in '='.
            var eq = segment.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                throw Fail($"segment {i + 1} has no '='; expected Name=Value pairs separated by ';'.");
            }

            var name = segment[..eq].Trim();
            var value = segment[(eq + 1)..].Trim();
            if (name.Length == 0)
            {
                throw Fail($"segment {i + 1} has an empty setting name.");
            }

            if (IgnoredSettings.Contains(name))
            {
                continue;
            }

            if (!KnownSettings.Contains(name))
            {
                // Only echo names that look like setting names: a stray key fragment must not end up in logs.
                throw Fail(name.Length <= 40 && name.All(char.IsAsciiLetter)
                    ? $"segment {i + 1} has the unknown setting '{name}'."
                    : $"segment {i + 1} has an unrecognized setting name.");
            }

            if (!settings.TryAdd(name, value))
            {
                throw Fail($"{name} appears more than once.");
            }
        }

        if (settings.Count == 0)
        {
            throw Fail("it has no settings.");
        }

        return settings;
    }

    private static byte[] DecodeKey(string keyText)
    {
        var buffer = new byte[keyText.Length];
        if (!Convert.TryFromBase64String(keyText, buffer, out var written) || written == 0)
        {
            throw Fail("AccountKey is not valid base64.");
        }

        return buffer[..written];
    }

    private static Uri ParseEndpoint(string setting, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw Fail($"{setting} {Quote(value)} is not an absolute http or https URI without a query.");
        }

        return TrimSlash(uri);
    }

    private static Uri CheckServiceUri(Uri uri, string parameter)
    {
        if (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps || uri.Query.Length > 0)
        {
            // Bearer tokens must never travel over plain http (Azure.Core refuses it too).
            throw new ArgumentException($"The {parameter} service URI must be an absolute https URI without a query, not '{uri}'.", parameter);
        }

        return TrimSlash(uri);
    }

    private static Uri TrimSlash(Uri uri)
    {
        var text = uri.AbsoluteUri;
        return text.EndsWith('/') ? new Uri(text.TrimEnd('/')) : uri;
    }

    private static string AccountFromEndpoint(Uri endpoint)
    {
        // https://acct.blob.core.windows.net -> acct; path-style (emulators, IPs) -> first path segment.
        if (endpoint.HostNameType == UriHostNameType.Dns && endpoint.Host.Contains('.', StringComparison.Ordinal))
        {
            return endpoint.Host[..endpoint.Host.IndexOf('.', StringComparison.Ordinal)];
        }

        var path = endpoint.AbsolutePath.Trim('/');
        return path.Length > 0 ? path.Split('/')[0] : endpoint.Host;
    }

    /// <summary>
    /// A value quoted for a message, or a note that it is not shown: a value with '=', '+', '?',
    /// spaces or other characters that names, protocols, DNS suffixes and plain URIs do not have may
    /// hold a key or a SAS token (say "AccountName=a AccountKey=..." with a space for a ';').
    /// </summary>
    private static string Quote(string value) =>
        value.Length <= MaxQuotedLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':' or '/')
            ? $"'{value}'"
            : "(value not shown)";

    private static FormatException Fail(string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{ErrorPrefix}{what}"));
}
