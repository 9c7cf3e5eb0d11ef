using System.Globalization;
using Azure;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Turns what the Azure SDKs throw into the port's exceptions: a <see cref="RequestFailedException"/>
/// by its status and the service's error code, and a transport failure that outlived the SDK's
/// retries (refused connection, network timeout) into <see cref="StorageUnavailableException"/>
/// naming the endpoint. Messages keep the first line of the service's message only: the SDK's
/// full text adds request headers and the raw body.
/// </summary>
internal sealed class StorageErrors(Uri endpoint, int tries)
{
    /// <summary>
    /// The port's exception for <paramref name="exception"/>, or null to let it through unchanged:
    /// the caller's cancellation, an exception that already is a <see cref="StorageException"/>,
    /// and programming errors.
    /// </summary>
    public StorageException? Map(Exception exception, string operation, CancellationToken cancellationToken, bool createOnly = false)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            StorageException => null,
            RequestFailedException { Status: > 0 } failed => FromResponse(failed, operation, createOnly),
            // Status 0: no response at all. After several tries the SDK's retry policy throws an
            // AggregateException of every try's failure; a per-try timeout is a cancellation.
            RequestFailedException or AggregateException or IOException or HttpRequestException or OperationCanceledException =>
                new StorageUnavailableException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"{operation} failed: Azure Storage endpoint {endpoint} could not be reached ({tries} tries): {Innermost(exception).Message}"),
                    errorCode: null, exception),
            _ => null,
        };
    }

    public static StorageException FromResponse(RequestFailedException failed, string operation, bool createOnly = false)
    {
        ArgumentNullException.ThrowIfNull(failed);
        return FromStatus(failed.Status, failed.ErrorCode, FirstLine(failed.Message), operation, createOnly, failed);
    }

    public static StorageException FromStatus(int status, string? code, string? detail, string operation, bool createOnly = false,
        Exception? inner = null)
    {
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{operation} failed: HTTP {status}{(string.IsNullOrEmpty(code) ? "" : " " + code)}: {detail ?? "no details"}");
        return status switch
        {
            404 => new StorageNotFoundException(message, code, inner),
            409 => new StorageConflictException(message, code, inner),
            // A create-only write (If-None-Match: *) that finds the object reports 412 on some
            // operations and 409 on others; the port promises a conflict for both.
            412 when createOnly => new StorageConflictException(message, code, inner),
            412 => new StoragePreconditionFailedException(message, code, inner),
            429 => new StorageThrottledException(message, code, inner),
            503 when code is "ServerBusy" => new StorageThrottledException(message, code, inner),
            408 or >= 500 => new StorageUnavailableException(message, code, inner),
            _ => new StorageRequestException(message, code, inner),
        };
    }

    // Service messages end with "\nRequestId:...\nTime:..." and the SDK appends status, headers
    // and content on further lines; the first line says what happened.
    private static string? FirstLine(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var line = text.Split('\n', 2)[0].Trim();
        return line.Length > 500 ? line[..500] : line;
    }

    private static Exception Innermost(Exception exception)
    {
        if (exception is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            exception = aggregate.InnerExceptions[^1];
        }

        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
