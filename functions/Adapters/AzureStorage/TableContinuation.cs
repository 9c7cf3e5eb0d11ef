using System.Text;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Packs the Table service's two continuation headers (NextPartitionKey, NextRowKey; the
/// second may be absent) into one opaque token and back.
/// </summary>
internal static class TableContinuation
{
    private const char Separator = '\n'; // Never part of a continuation value (they are URL-safe).

    public static string? Pack(string? nextPartitionKey, string? nextRowKey)
    {
        if (string.IsNullOrEmpty(nextPartitionKey) && string.IsNullOrEmpty(nextRowKey))
        {
            return null;
        }

        return Convert.ToBase64String(Encoding.UTF8.GetBytes((nextPartitionKey ?? string.Empty) + Separator + (nextRowKey ?? string.Empty)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static (string? NextPartitionKey, string? NextRowKey) Unpack(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            var separator = text.IndexOf(Separator, StringComparison.Ordinal);
            if (separator < 0)
            {
                throw new FormatException("no separator");
            }

            var partition = text[..separator];
            var row = text[(separator + 1)..];
            return (partition.Length == 0 ? null : partition, row.Length == 0 ? null : row);
        }
        catch (FormatException ex)
        {
            throw new StorageRequestException("The table continuation token is not one this store handed out.", "InvalidInput", ex);
        }
    }
}
