using Azure;
using Azure.Core;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Which tries the retry policy repeats: throttling and transient server errors, network
/// failures, and tries that hit the per-try network timeout (but not the caller's cancellation).
/// Stated explicitly rather than inherited so Azure.Core upgrades cannot change it silently.
/// </summary>
internal sealed class StorageResponseClassifier : ResponseClassifier
{
    public static StorageResponseClassifier Shared { get; } = new();

    public override bool IsRetriableResponse(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Response.Status is 408 or 429 or 500 or 502 or 503 or 504;
    }

    public override bool IsRetriableException(Exception exception) =>
        exception is IOException || exception is RequestFailedException { Status: 0 };

    public override bool IsRetriable(HttpMessage message, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(message);
        return IsRetriableException(exception)
            || (exception is OperationCanceledException && !message.CancellationToken.IsCancellationRequested);
    }

    public override bool IsErrorResponse(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Response.Status >= 400;
    }
}
