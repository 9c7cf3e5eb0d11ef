using System.Text;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Validates container, queue and table names (Azure's rules, which every adapter follows) and
/// escapes blob names and table keys for request URIs.
/// </summary>
internal static class StorageNames
{
    /// <summary>Containers and queues: 3 to 63 lowercase letters, digits and single hyphens, not at either end.</summary>
    public static string CheckContainerOrQueue(string name, string kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        var ok = name.Length is >= 3 and <= 63
            && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            && name[0] != '-' && name[^1] != '-'
            && !name.Contains("--", StringComparison.Ordinal);
        return ok ? name : throw new StorageRequestException(
            $"'{name}' is not a valid {kind} name: use 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.",
            "InvalidResourceName");
    }

    /// <summary>Tables: 3 to 63 ASCII letters and digits, starting with a letter.</summary>
    public static string CheckTable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var ok = name.Length is >= 3 and <= 63 && char.IsAsciiLetter(name[0]) && name.All(char.IsAsciiLetterOrDigit);
        return ok ? name : throw new StorageRequestException(
            $"'{name}' is not a valid table name: use 3 to 63 ASCII letters and digits, starting with a letter.", "InvalidResourceName");
    }

    /// <summary>
    /// "/" + the blob name with each '/'-separated segment percent-escaped (UTF-8), so quotes,
    /// spaces, '%', '?', '#' and non-ASCII survive. '/' stays literal: it is the virtual-directory separator.
    /// Names with '\' or with '.'/'..' segments are refused: the service or URI normalization would change them.
    /// </summary>
    public static string EscapeBlobName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > 1024)
        {
            throw new StorageRequestException("A blob name is at most 1,024 characters.", "InvalidResourceName");
        }

        if (name.Contains('\\', StringComparison.Ordinal))
        {
            // The Blob service (and Azurite) silently turns '\' into '/', so the blob would not keep its name.
            throw new StorageRequestException($"Blob name '{name}' contains '\\', which Azure Storage rewrites to '/'.", "InvalidResourceName");
        }

        var sb = new StringBuilder(name.Length + 16);
        foreach (var segment in name.Split('/'))
        {
            if (segment is "." or "..")
            {
                // URI normalization would collapse these segments and address another blob.
                throw new StorageRequestException($"Blob name '{name}' has a '.' or '..' path segment, which URIs cannot carry.", "InvalidResourceName");
            }

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
