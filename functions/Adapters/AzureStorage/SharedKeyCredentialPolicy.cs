using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>Which Shared Key string-to-sign a service uses.</summary>
public enum SharedKeyService
{
    /// <summary>Blob and Queue: verb, standard headers, x-ms-* headers, full canonicalized resource.</summary>
    BlobOrQueue,

    /// <summary>Table: verb, Content-MD5, Content-Type, date, and the resource with only <c>?comp=</c>.</summary>
    Table,
}

/// <summary>
/// Signs each try with Azure Storage Shared Key
/// (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key). Runs per retry,
/// after <see cref="StorageDatePolicy"/>, so every try carries a fresh x-ms-date and signature.
/// </summary>
public sealed class SharedKeyCredentialPolicy : HttpPipelineSynchronousPolicy
{
    private readonly string _accountName;
    private readonly byte[] _key;
    private readonly SharedKeyService _service;

    public SharedKeyCredentialPolicy(string accountName, ReadOnlySpan<byte> accountKey, SharedKeyService service)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        if (accountKey.IsEmpty)
        {
            throw new ArgumentException("The account key is empty.", nameof(accountKey));
        }

        _accountName = accountName;
        _key = accountKey.ToArray();
        _service = service;
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = message.Request;
        if (!request.Headers.TryGetValue(StorageDatePolicy.HeaderName, out _))
        {
            request.Headers.SetValue(StorageDatePolicy.HeaderName, StorageDatePolicy.Now());
        }

        var contentLength = request.Content is { } content && content.TryComputeLength(out var length) ? length : 0;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Name] = header.Value;
        }

        var uri = request.Uri.ToUri();
        var stringToSign = _service == SharedKeyService.Table
            ? BuildTableStringToSign(request.Method.Method, headers, uri, _accountName)
            : BuildBlobStringToSign(request.Method.Method, headers, contentLength, uri, _accountName);
        request.Headers.SetValue("Authorization", $"SharedKey {_accountName}:{Sign(stringToSign, _key)}");
    }

    /// <summary>HMAC-SHA256 of the UTF-8 string-to-sign with the decoded key, base64.</summary>
    internal static string Sign(string stringToSign, byte[] key) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>The Blob/Queue Shared Key string-to-sign (version 2015-02-21 and later).</summary>
    internal static string BuildBlobStringToSign(string verb, IReadOnlyDictionary<string, string> headers, long contentLength, Uri uri, string accountName)
    {
        string H(string name) => headers.TryGetValue(name, out var v) ? v : string.Empty;

        var sb = new StringBuilder();
        sb.Append(verb.ToUpperInvariant()).Append('\n')
            .Append(H("Content-Encoding")).Append('\n')
            .Append(H("Content-Language")).Append('\n')
            .Append(contentLength > 0 ? contentLength.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty).Append('\n')
            .Append(H("Content-MD5")).Append('\n')
            .Append(H("Content-Type")).Append('\n')
            .Append(string.Empty).Append('\n') // Date: empty, we always send x-ms-date.
            .Append(H("If-Modified-Since")).Append('\n')
            .Append(H("If-Match")).Append('\n')
            .Append(H("If-None-Match")).Append('\n')
            .Append(H("If-Unmodified-Since")).Append('\n')
            .Append(H("Range")).Append('\n');

        foreach (var (name, value) in headers
            .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), h.Value))
            .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            sb.Append(name).Append(':').Append(value.Trim()).Append('\n');
        }

        sb.Append(CanonicalizedPath(uri, accountName));
        foreach (var (name, values) in QueryParameters(uri).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            values.Sort(StringComparer.Ordinal);
            sb.Append('\n').Append(name).Append(':').Append(string.Join(',', values));
        }

        return sb.ToString();
    }

    /// <summary>The Table Shared Key string-to-sign: the resource keeps only the <c>comp</c> parameter.</summary>
    internal static string BuildTableStringToSign(string verb, IReadOnlyDictionary<string, string> headers, Uri uri, string accountName)
    {
        string H(string name) => headers.TryGetValue(name, out var v) ? v : string.Empty;

        var date = H(StorageDatePolicy.HeaderName);
        if (date.Length == 0)
        {
            date = H("Date");
        }

        var resource = CanonicalizedPath(uri, accountName);
        if (QueryParameters(uri).TryGetValue("comp", out var comp))
        {
            resource += "?comp=" + string.Join(',', comp);
        }

        return string.Join('\n', verb.ToUpperInvariant(), H("Content-MD5"), H("Content-Type"), date, resource);
    }

    // "/account" + the path exactly as sent (still percent-encoded). Path-style endpoints (Azurite)
    // already start with "/account", which gives Azurite's "/devstoreaccount1/devstoreaccount1/...".
    private static string CanonicalizedPath(Uri uri, string accountName)
    {
        var path = uri.AbsolutePath;
        return "/" + accountName + (path.Length == 0 ? "/" : path);
    }

    private static Dictionary<string, List<string>> QueryParameters(Uri uri)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var query = uri.Query;
        if (query.Length <= 1)
        {
            return result;
        }

        foreach (var pair in query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (!result.TryGetValue(name, out var list))
            {
                result[name] = list = [];
            }

            list.Add(value);
        }

        return result;
    }
}
