namespace Serverless.Monitoring.Core.Ports;

/// <summary>
/// A storage operation failed. Adapters map their service's error codes onto the
/// subclasses so that the domain never sees HTTP status codes or file-system errors.
/// </summary>
public abstract class StorageException : Exception
{
    protected StorageException(string message, string? errorCode, Exception? inner)
        : base(message, inner)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The service's own error code (e.g. <c>BlobAlreadyExists</c>), when there is one.</summary>
    public string? ErrorCode { get; }
}

/// <summary>The blob, entity, message or container does not exist.</summary>
public sealed class StorageNotFoundException(string message, string? errorCode = null, Exception? inner = null)
    : StorageException(message, errorCode, inner);

/// <summary>A create-only write found the object already there.</summary>
public sealed class StorageConflictException(string message, string? errorCode = null, Exception? inner = null)
    : StorageException(message, errorCode, inner);

/// <summary>An ETag condition did not hold: someone else changed or deleted the object.</summary>
public sealed class StoragePreconditionFailedException(string message, string? errorCode = null, Exception? inner = null)
    : StorageException(message, errorCode, inner);

/// <summary>The service kept throttling (HTTP 429/503 ServerBusy) after the retries ran out.</summary>
public sealed class StorageThrottledException(string message, string? errorCode = null, Exception? inner = null)
    : StorageException(message, errorCode, inner);

/// <summary>The service could not be reached or kept failing after the retries ran out.</summary>
public sealed class StorageUnavailableException(string message, string? errorCode = null, Exception? inner = null)
    : StorageException(message, errorCode, inner);

/// <summary>The request itself was invalid (a bad key, an oversized entity or message, a bad name).</summary>
public sealed class StorageRequestException(string message, string? errorCode = null, Exception? inner = null)
    : StorageException(message, errorCode, inner);

/// <summary>
/// One operation of an atomic table batch failed, so none of the batch was applied.
/// <see cref="InnerException"/> says why that operation failed.
/// </summary>
public sealed class TableBatchFailedException(int failedIndex, StorageException inner)
    : StorageException($"Table batch operation {failedIndex} failed, nothing of the batch was applied: {inner.Message}", inner.ErrorCode, inner)
{
    /// <summary>Index of the failing operation in the submitted batch.</summary>
    public int FailedIndex { get; } = failedIndex;
}
