using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>
/// Service Bus / Event Hubs SAS tokens: <c>SharedAccessSignature sr={enc(uri)}&amp;sig={enc(b64(HMAC-SHA256(key, enc(uri) + "\n" + expiry)))}&amp;se={expiry}&amp;skn={keyName}</c>,
/// with the key's UTF-8 bytes as the HMAC key.
/// </summary>
internal static class SharedAccessSignature
{
    public static string Create(Uri resourceUri, string keyName, string key, DateTimeOffset expiresOn)
    {
        ArgumentNullException.ThrowIfNull(resourceUri);
        var resource = Uri.EscapeDataString(resourceUri.AbsoluteUri);
        var expiry = expiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(resource + "\n" + expiry)));
        return $"SharedAccessSignature sr={resource}&sig={Uri.EscapeDataString(signature)}&se={expiry}&skn={Uri.EscapeDataString(keyName)}";
    }
}
