using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Turns Azure Storage error responses into the port's exceptions, keeping the service's
/// error code (x-ms-error-code or the body's code) and the first line of its message.
/// </summary>
internal static class StorageErrors
{
    public static StorageException FromResponse(Response response, string operation, bool createOnly = false)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.TryGetValue("x-ms-error-code", out var headerCode);
        response.Headers.TryGetValue("Content-Type", out var contentType);
        var body = response.Content?.ToMemory() ?? ReadOnlyMemory<byte>.Empty;
        return FromStatus(response.Status, response.ReasonPhrase, headerCode, contentType, body.Span, operation, createOnly);
    }

    public static StorageException FromStatus(int status, string? reason, string? headerCode, string? contentType,
        ReadOnlySpan<byte> body, string operation, bool createOnly = false)
    {
        var (bodyCode, bodyMessage) = ParseBody(contentType, body);
        var code = string.IsNullOrEmpty(headerCode) ? bodyCode : headerCode;
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{operation} failed: HTTP {status}{(string.IsNullOrEmpty(code) ? "" : " " + code)}: {bodyMessage ?? reason ?? "no details"}");

        return status switch
        {
            404 => new StorageNotFoundException(message, code),
            409 => new StorageConflictException(message, code),
            // A create-only write (If-None-Match: *) that finds the object reports 412 on some
            // operations and 409 on others; the port promises a conflict for both.
            412 when createOnly => new StorageConflictException(message, code),
            412 => new StoragePreconditionFailedException(message, code),
            429 => new StorageThrottledException(message, code),
            503 when code is "ServerBusy" => new StorageThrottledException(message, code),
            408 or >= 500 => new StorageUnavailableException(message, code),
            _ => new StorageRequestException(message, code),
        };
    }

    /// <summary>The code and first message line of an XML (Blob, Queue) or JSON (Table) error body.</summary>
    public static (string? Code, string? Message) ParseBody(string? contentType, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null);
        }

        try
        {
            var trimmed = body.TrimStart((byte)' ');
            if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true || (trimmed.Length > 0 && trimmed[0] == (byte)'{'))
            {
                using var doc = JsonDocument.Parse(body.ToArray());
                if (doc.RootElement.TryGetProperty("odata.error", out var error))
                {
                    var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
                    var text = error.TryGetProperty("message", out var m)
                        ? m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v) ? v.GetString() : m.ToString()
                        : null;
                    return (code, FirstLine(text));
                }

                return (null, FirstLine(Encoding.UTF8.GetString(body)));
            }

            if (trimmed.Length > 0 && (trimmed[0] == (byte)'<' || trimmed.StartsWith("\uFEFF"u8)))
            {
                using var reader = XmlReader.Create(new MemoryStream(body.ToArray()), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
                var root = XDocument.Load(reader).Root;
                return (root?.Element("Code")?.Value, FirstLine(root?.Element("Message")?.Value));
            }

            return (null, FirstLine(Encoding.UTF8.GetString(body)));
        }
        catch (Exception ex) when (ex is JsonException or XmlException)
        {
            return (null, FirstLine(Encoding.UTF8.GetString(body)));
        }
    }

    // Service messages end with "\nRequestId:...\nTime:..."; the first line says what happened.
    private static string? FirstLine(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var line = text.Split('\n', 2)[0].Trim();
        return line.Length > 500 ? line[..500] : line;
    }
}
