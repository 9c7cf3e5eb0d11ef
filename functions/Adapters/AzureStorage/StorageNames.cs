using System.Text;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Escapes blob names and table keys for request URIs (after checking them: blob names with
/// <see cref="StorageNaming"/>, table keys here).
/// </summary>
internal static class StorageNames
{
    /// <summary>
    /// "/" + the blob name with each '/'-separated segment percent-escaped (UTF-8), so quotes,
    /// spaces, '%', '?', '#' and non-ASCII survive. '/' stays literal: it is the virtual-directory separator.
    /// The name is checked first with <see cref="StorageNaming.CheckBlobName"/>, which refuses '\' and '.'/'..'
    /// segments: the service or URI normalization would change them.
    /// </summary>
    public static string EscapeBlobName(string name)
    {
        StorageNaming.CheckBlobName(name);
        var sb = new StringBuilder(name.Length + 16);
        foreach (var segment in name.Split('/'))
        {
            sb.Append('/').Append(Uri.EscapeDataString(segment));
        }

        return sb.ToString();
    }

    /// <summary>An OData string literal: quoted, with single quotes doubled.</summary>
    public static string ODataLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>The entity address "(PartitionKey='..',RowKey='..')", escaped for the URI path.</summary>
    public static string EntityKeyPath(string partitionKey, string rowKey)
    {
        CheckKey(partitionKey, "PartitionKey");
        CheckKey(rowKey, "RowKey");
        return $"(PartitionKey={Uri.EscapeDataString(ODataLiteral(partitionKey))},RowKey={Uri.EscapeDataString(ODataLiteral(rowKey))})";
    }

    /// <summary>Azure forbids '/', '\', '#', '?' and control characters in keys, and limits them to 1 KiB.</summary>
    public static void CheckKey(string key, string which)
    {
        ArgumentNullException.ThrowIfNull(key, which);
        if (key.Length > 1024)
        {
            throw new StorageRequestException($"The {which} is longer than 1,024 characters.", "OutOfRangeInput");
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new StorageRequestException($"The {which} '{key}' contains '/', '\\', '#', '?' or a control character, which Azure Tables forbid.", "OutOfRangeInput");
            }
        }
    }
}
