using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// Remote write 1.0 receiver (<c>POST /api/v1/write</c>: snappy protobuf onto the same sample bus
/// the scraper uses; 204, or 400 with the reason and nothing stored; 404 unless
/// <see cref="WebOptions.EnableRemoteWriteReceiver"/>, as upstream) and remote read
/// (<c>POST /api/v1/read</c>, samples response).
/// </summary>
internal static class RemoteStorageEndpoints
{
    /// <summary>The largest compressed body accepted (Prometheus sends at most a few MiB per request).</summary>
    public const int MaxBodyBytes = 16 << 20;

    /// <summary>The bus partition of remote-written samples.</summary>
    public const string PartitionKey = "remote-write";

    public static IEndpointRouteBuilder MapRemoteStorageEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v1/write", WriteAsync);
        endpoints.MapPost("/api/v1/read", ReadAsync);
        return endpoints;
    }

    private static async Task<IResult> WriteAsync(HttpContext context, IOptions<WebOptions> web, SampleBus bus)
    {
        if (!web.Value.EnableRemoteWriteReceiver)
        {
            // Prometheus 3's text (2.42 still names the old --enable-feature=remote-write-receiver).
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Text(
                "remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n",
                "text/plain; charset=utf-8",
                statusCode: StatusCodes.Status404NotFound);
        }

        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return BadRequest($"request body larger than {MaxBodyBytes} bytes");
        }

        RemoteWriteRequest request;
        try
        {
            request = RemoteWriteCodec.Decode(body);
        }
        catch (RemoteWriteFormatException ex)
        {
            return BadRequest(ex.Message);
        }

        if (request.Rejected.Count > 0)
        {
            // As Prometheus: one invalid series rejects the request, so nothing partial is stored.
            return BadRequest($"invalid series {request.Rejected[0].Labels}: {request.Rejected[0].Reason}");
        }

        if (request.Series.Count > 0)
        {
            await bus.QueueReady;
            await bus.Publisher.PublishAsync(PartitionKey, request.Series, context.RequestAborted);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> ReadAsync(HttpContext context, StorageEngineAccessor engines)
    {
        var body = await ReadBodyAsync(context.Request, context.RequestAborted);
        if (body is null)
        {
            return BadRequest($"request body larger than {MaxBodyBytes} bytes");
        }

        RemoteReadRequest request;
        try
        {
            request = RemoteReadCodec.DecodeRequest(body);
        }
        catch (RemoteWriteFormatException ex)
        {
            return BadRequest(ex.Message);
        }

        if (request.AcceptedResponseTypes.Count > 0 && !request.AcceptedResponseTypes.Contains(RemoteReadCodec.SamplesResponseType))
        {
            return BadRequest($"server does not support any of the requested response types: {string.Join(", ", request.AcceptedResponseTypes)}; supported: [SAMPLES]");
        }

        var engine = await engines.GetAsync();
        var results = new List<IReadOnlyList<SeriesSamples>>(request.Queries.Count);
        foreach (var query in request.Queries)
        {
            var selection = await engine.SelectAsync(query.Matchers, query.StartMs, query.EndMs, context.RequestAborted);
            results.Add(selection.Series.Select(s => new SeriesSamples(s.Labels, s.ToArray())).ToList());
        }

        context.Response.Headers.ContentEncoding = "snappy";
        return Results.Bytes(RemoteReadCodec.EncodeResponse(results), "application/x-protobuf");
    }

    /// <summary>The whole body, or null when it exceeds <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IResult BadRequest(string reason) => Results.Text(reason + "\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
}
