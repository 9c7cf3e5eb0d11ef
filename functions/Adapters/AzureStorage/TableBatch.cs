using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// The multipart/mixed body of an entity group transaction (one changeset) and the parsing of
/// its multipart response (https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions).
/// </summary>
internal static partial class TableBatch
{
    public const int MaxOperations = 100;

    /// <summary>One operation's response inside the batch response.</summary>
    public sealed record Part(int Status, string Reason, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <summary>Builds the body; returns it with the Content-Type (which names the boundary).</summary>
    /// <param name="tableUri">Absolute URI of the table, e.g. http://127.0.0.1:10002/devstoreaccount1/t.</param>
    public static (byte[] Body, string ContentType) Build(IReadOnlyList<TableOperation> operations, string tableUri)
    {
        var batch = "batch_" + Guid.NewGuid().ToString("D");
        var changeset = "changeset_" + Guid.NewGuid().ToString("D");
        var sb = new StringBuilder();
        sb.Append("--").Append(batch).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");

        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            var entityUri = tableUri + StorageNames.EntityKeyPath(op.Entity.PartitionKey, op.Entity.RowKey);
            var (method, uri, etag, hasBody) = op.Kind switch
            {
                TableOperationKind.Insert => ("POST", tableUri, null, true),
                TableOperationKind.Upsert => ("PUT", entityUri, null, true),
                TableOperationKind.Update => ("PUT", entityUri, op.ETag, true),
                TableOperationKind.Delete => ("DELETE", entityUri, op.ETag, false),
                _ => throw new ArgumentOutOfRangeException(nameof(operations), op.Kind, "Unknown table operation kind."),
            };

            sb.Append("--").Append(changeset).Append("\r\n")
                .Append("Content-Type: application/http\r\n")
                .Append("Content-Transfer-Encoding: binary\r\n")
                .Append("Content-ID: ").Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n")
                .Append(method).Append(' ').Append(uri).Append(" HTTP/1.1\r\n")
                .Append("Accept: ").Append(AzureTableStore.AcceptJson).Append("\r\n")
                .Append("DataServiceVersion: 3.0;\r\n");
            if (etag is not null)
            {
                sb.Append("If-Match: ").Append(etag).Append("\r\n");
            }

            if (hasBody)
            {
                sb.Append("Content-Type: application/json\r\n")
                    .Append("Prefer: return-no-content\r\n\r\n")
                    .Append(Encoding.UTF8.GetString(TableEntityJson.Serialize(op.Entity))).Append("\r\n");
            }
            else
            {
                sb.Append("\r\n");
            }
        }

        sb.Append("--").Append(changeset).Append("--\r\n")
            .Append("--").Append(batch).Append("--\r\n");
        return (Encoding.UTF8.GetBytes(sb.ToString()), "multipart/mixed; boundary=" + batch);
    }

    /// <summary>The operation responses of a batch response body, in order (nested changeset flattened).</summary>
    public static List<Part> Parse(string body, string contentType)
    {
        var parts = new List<Part>();
        ParseMultipart(body, Boundary(contentType), parts);
        return parts;
    }

    /// <summary>
    /// Which operation failed: the service prefixes the error message with the 0-based index
    /// ("2:The specified entity already exists."); failing that, the part's Content-ID, which is
    /// 1-based (we number operations from 1 as OData does, and Azurite numbers its own from 1).
    /// </summary>
    public static int? FailedIndex(Part part, string? errorMessage, int operationCount)
    {
        if (errorMessage is not null)
        {
            var match = IndexPrefix().Match(errorMessage);
            if (match.Success && int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var index) && index < operationCount)
            {
                return index;
            }
        }

        if (part.Headers.TryGetValue("Content-ID", out var contentId)
            && int.TryParse(contentId.Trim(), CultureInfo.InvariantCulture, out var id) && id >= 1 && id <= operationCount)
        {
            return id - 1;
        }

        return null;
    }

    private static void ParseMultipart(string body, string boundary, List<Part> parts)
    {
        var delimiter = "--" + boundary;
        var sections = body.Split(delimiter);
        // sections[0] is the preamble; a section starting with "--" is the closing delimiter's tail.
        foreach (var section in sections.Skip(1))
        {
            if (section.StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }

            var (headers, content) = SplitHeaders(section.TrimStart('\r', '\n'));
            if (headers.TryGetValue("Content-Type", out var type) && type.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase))
            {
                ParseMultipart(content, Boundary(type), parts);
                continue;
            }

            // An application/http part: status line, headers, body.
            var (statusLine, rest) = SplitFirstLine(content);
            var status = statusLine.Split(' ', 3);
            if (status.Length < 2 || !int.TryParse(status[1], CultureInfo.InvariantCulture, out var code))
            {
                throw new StorageRequestException($"Unexpected part in the table batch response: '{statusLine}'.");
            }

            var (innerHeaders, innerBody) = SplitHeaders(rest);
            foreach (var (name, value) in headers)
            {
                innerHeaders.TryAdd(name, value); // Content-ID may sit on the MIME part rather than the HTTP response.
            }

            parts.Add(new Part(code, status.Length > 2 ? status[2].Trim() : string.Empty, innerHeaders, innerBody.Trim('\r', '\n')));
        }
    }

    private static (Dictionary<string, string> Headers, string Remainder) SplitHeaders(string text)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            var (line, rest) = SplitFirstLine(text);
            text = rest;
            if (line.Length == 0)
            {
                return (headers, text);
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            if (text.Length == 0)
            {
                return (headers, text);
            }
        }
    }

    private static (string Line, string Remainder) SplitFirstLine(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? (text.TrimEnd('\r'), string.Empty) : (text[..newline].TrimEnd('\r'), text[(newline + 1)..]);
    }

    private static string Boundary(string contentType)
    {
        var match = BoundaryParameter().Match(contentType);
        return match.Success
            ? match.Groups[1].Value.Trim('"')
            : throw new StorageRequestException($"The table batch response has no multipart boundary (Content-Type '{contentType}').");
    }

    [GeneratedRegex(@"boundary=(""[^""]+""|[^;\s]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BoundaryParameter();

    [GeneratedRegex(@"^\s*(\d+)\s*:", RegexOptions.CultureInvariant)]
    private static partial Regex IndexPrefix();
}
