using System.Globalization;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// One storage service endpoint behind its pipeline: builds requests with escaped paths and
/// query strings and the pinned x-ms-version, and turns transport failures that outlived the
/// retries into <see cref="StorageUnavailableException"/>.
/// </summary>
internal sealed class StorageServiceClient
{
    /// <summary>The REST API version every request pins (Azure, and Azurite 3.32 or later).</summary>
    public const string ApiVersion = "2024-11-04";

    private readonly HttpPipeline _pipeline;
    private readonly string _base;
    private readonly int _tries;

    public StorageServiceClient(HttpPipeline pipeline, Uri endpoint, AzureStorageClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        _pipeline = pipeline;
        Endpoint = endpoint;
        _base = endpoint.AbsoluteUri.TrimEnd('/');
        _tries = options.MaxRetries + 1;
    }

    public Uri Endpoint { get; }

    /// <summary>The absolute URI of an already escaped path below the endpoint (e.g. "/c/b%20x").</summary>
    public string AbsoluteUri(string escapedPath) => _base + escapedPath;

    /// <param name="escapedPath">The path below the endpoint, starting with '/', already percent-escaped.</param>
    /// <param name="query">Unescaped query parameters, escaped here.</param>
    public HttpMessage CreateMessage(RequestMethod method, string escapedPath, params (string Name, string? Value)[] query)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        var uri = new StringBuilder(_base).Append(escapedPath);
        var separator = '?';
        foreach (var (name, value) in query)
        {
            if (value is null)
            {
                continue;
            }

            uri.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        request.Uri.Reset(new Uri(uri.ToString()));
        request.Headers.SetValue("x-ms-version", ApiVersion);
        return message;
    }

    public async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return message.Response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is RequestFailedException or IOException or HttpRequestException
            or AggregateException or OperationCanceledException)
        {
            throw new StorageUnavailableException(
                string.Create(CultureInfo.InvariantCulture,
                    $"Azure Storage endpoint {Endpoint} could not be reached ({_tries} tries): {Innermost(ex).Message}"),
                errorCode: null, ex);
        }
    }

    private static Exception Innermost(Exception ex)
    {
        if (ex is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            ex = aggregate.InnerExceptions[^1];
        }

        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
