using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Adapters.AzureStorage;

/// <summary>A scripted loopback HTTP server that answers like Azure Storage, for error-path tests.</summary>
internal sealed class FakeStorageServer : IDisposable
{
    private readonly Func<int, FakeReply> _reply;
    private readonly LoopbackHttpServer _server;

    public FakeStorageServer(Func<int, FakeReply> reply)
    {
        _reply = reply;
        _server = new LoopbackHttpServer(AnswerAsync, sequential: true);
    }

    public int Port => _server.Port;

    public ConcurrentQueue<CapturedRequest> Requests { get; } = new();

    /// <summary>A connection string whose three services all point at this server.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1";

    public void Dispose() => _server.Dispose();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
            .ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new CapturedRequest(context.Request.HttpMethod, context.Request.RawUrl ?? "/", headers, body.ToArray()));

        var reply = _reply(Requests.Count - 1);
        var response = context.Response;
        response.StatusCode = reply.Status;
        if (reply.ErrorCode is not null)
        {
            response.Headers["x-ms-error-code"] = reply.ErrorCode;
        }

        foreach (var (name, value) in reply.Headers ?? [])
        {
            response.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(reply.Body ?? string.Empty);
        response.ContentType = reply.ContentType;
        response.ContentLength64 = bytes.Length;
        if (context.Request.HttpMethod != "HEAD")
        {
            await response.OutputStream.WriteAsync(bytes);
        }
    }
}

internal sealed record CapturedRequest(string Method, string RawUrl, IReadOnlyDictionary<string, string> Headers, byte[] Body);

internal sealed record FakeReply(int Status, string? ErrorCode = null, string? Body = null, string ContentType = "application/xml",
    Dictionary<string, string>? Headers = null)
{
    /// <summary>An Azure Blob/Queue style error: x-ms-error-code plus an XML body with RequestId and Time lines.</summary>
    public static FakeReply XmlError(int status, string code, string message) => new(status, code,
        $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}\nRequestId:0000\nTime:2024-01-01T00:00:00Z</Message></Error>");

    /// <summary>An Azure Table style error: the code only in the OData JSON body.</summary>
    public static FakeReply JsonError(int status, string code, string message) => new(status, null,
        $"{{\"odata.error\":{{\"code\":\"{code}\",\"message\":{{\"lang\":\"en-US\",\"value\":\"{message}\\nRequestId:0000\"}}}}}}",
        "application/json;odata=minimalmetadata;charset=utf-8");

    public static FakeReply Created { get; } = new(201, Headers: new() { ["ETag"] = "\"0x1\"", ["Last-Modified"] = "Mon, 01 Jan 2024 00:00:00 GMT" });
}
