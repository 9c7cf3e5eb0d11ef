using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>Turning the host's representation of a message body back into its bytes, and content-derived IDs.</summary>
internal static class MessageBodies
{
    /// <summary>
    /// The bytes of a body the host sent as a string: base64 for binary bodies (<c>dataType: binary</c>,
    /// and our queue messages, which are base64 text), else the string's UTF-8 (a raw text body).
    /// An object or array (a JSON body the host parsed) is its JSON text.
    /// </summary>
    public static byte[] Bytes(JsonNode? node)
    {
        if (InvocationRequest.AsString(node) is not { } text)
        {
            return node is null ? [] : Encoding.UTF8.GetBytes(node.ToJsonString());
        }

        var buffer = new byte[(text.Length / 4 * 3) + 3];
        return text.Length > 0 && Convert.TryFromBase64String(text, buffer, out var written)
            ? buffer.AsSpan(0, written).ToArray()
            : Encoding.UTF8.GetBytes(text);
    }

    /// <summary>An ID for a message whose transport ID is unknown: stable across redeliveries because it hashes the body.</summary>
    public static string ContentId(string prefix, ReadOnlySpan<byte> body) =>
        $"{prefix}:sha256:{Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16))}";
}
