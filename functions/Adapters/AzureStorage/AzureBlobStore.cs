using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Serverless.Monitoring.Core.Ports;
using BlobProperties = Serverless.Monitoring.Core.Ports.BlobProperties;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// One Blob Storage container on Azure.Storage.Blobs. Objects under 4 MiB go up in one Put Blob;
/// larger ones as 4 MiB blocks committed by one Put Block List, which carries the write condition,
/// so readers see the old or the whole new object and a create-only race has exactly one winner.
/// The blocks are staged here rather than by the SDK's partitioned upload, whose block IDs depend
/// on the offset only: two racing writers would stage over each other's uncommitted blocks.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    /// <summary>Block size of large uploads, and the largest object sent in a single Put Blob.</summary>
    internal const int BlockSize = 4 * 1024 * 1024;

    private const int MaxParallelBlocks = 4;

    private readonly BlobContainerClient _container;
    private readonly StorageErrors _errors;

    internal AzureBlobStore(BlobServiceClient service, string container, StorageErrors errors)
    {
        Container = StorageNaming.CheckContainerOrQueue(container, "container");
        _container = service.GetBlobContainerClient(container);
        _errors = errors;
    }

    public string Container { get; }

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_errors.Map(ex, $"Create container '{Container}'", cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<BlobProperties> PutAsync(string name, Stream content, StorageCondition condition = default,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var blob = Blob(name);

        // The content is read here, outside the SDK calls, so a failing stream surfaces as itself.
        var first = ArrayPool<byte>.Shared.Rent(BlockSize);
        var firstOwned = true;
        try
        {
            var firstLength = await content.ReadAtLeastAsync(first.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, cancellationToken)
                .ConfigureAwait(false);
            if (firstLength < BlockSize)
            {
                return await PutBlobAsync(blob, name, first, firstLength, condition, cancellationToken).ConfigureAwait(false);
            }

            var second = ArrayPool<byte>.Shared.Rent(BlockSize);
            var secondLength = await content.ReadAtLeastAsync(second.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, cancellationToken)
                .ConfigureAwait(false);
            if (secondLength == 0)
            {
                ArrayPool<byte>.Shared.Return(second);
                return await PutBlobAsync(blob, name, first, firstLength, condition, cancellationToken).ConfigureAwait(false);
            }

            firstOwned = false; // The block upload takes both buffers over.
            return await PutBlocksAsync(blob, name, content, (first, firstLength), (second, secondLength), condition, cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            if (firstOwned)
            {
                ArrayPool<byte>.Shared.Return(first);
            }
        }
    }

    public async Task<BlobContent> GetAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default)
    {
        var blob = Blob(name);
        var httpRange = default(HttpRange);
        if (range is { } r)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(r.Offset, nameof(range));
            ArgumentOutOfRangeException.ThrowIfNegative(r.Length, nameof(range));
            if (r.Length == 0)
            {
                // A Range header cannot express an empty range.
                return await EmptyContentAsync(name, cancellationToken).ConfigureAwait(false);
            }

            httpRange = new HttpRange(r.Offset, r.Length);
        }

        BlobDownloadResult result;
        try
        {
            result = (await blob.DownloadContentAsync(new BlobDownloadOptions { Range = httpRange }, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 416)
        {
            // The range starts at or past the end: like a file read there, no bytes.
            return await EmptyContentAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_errors.Map(ex, $"Get blob '{Container}/{name}'", cancellationToken) is { } mapped)
        {
            throw mapped;
        }

        var data = result.Content.ToMemory();
        var etag = result.Details.ETag.ToString();
        if (range is not { } requested)
        {
            return new BlobContent(data, etag, data.Length);
        }

        if (TotalFromContentRange(result.Details.ContentRange) is { } total)
        {
            return new BlobContent(data, etag, total);
        }

        // A service that ignored the range sent the whole object: cut the range out.
        var start = (int)Math.Min(requested.Offset, data.Length);
        return new BlobContent(data[start..(int)Math.Min(requested.End, data.Length)], etag, data.Length);
    }

    public async Task<BlobProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = Blob(name);
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new BlobProperties(name, properties.ContentLength, properties.ETag.ToString(), properties.LastModified);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Exception ex) when (_errors.Map(ex, $"Get properties of blob '{Container}/{name}'", cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<BlobPage> ListAsync(string prefix, string? continuationToken = null, int pageSize = 5000,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 5000);

        try
        {
            var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix }, cancellationToken)
                .AsPages(string.IsNullOrEmpty(continuationToken) ? null : continuationToken, pageSize);
            await foreach (var page in pages.ConfigureAwait(false))
            {
                var items = new List<BlobProperties>(page.Values.Count);
                foreach (var item in page.Values)
                {
                    items.Add(new BlobProperties(item.Name, item.Properties.ContentLength ?? 0,
                        QuoteETag(item.Properties.ETag?.ToString() ?? string.Empty), item.Properties.LastModified ?? DateTimeOffset.MinValue));
                }

                return new BlobPage(items, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
            }

            return new BlobPage([], null);
        }
        catch (Exception ex) when (_errors.Map(ex, $"List blobs in '{Container}' with prefix '{prefix}'", cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<bool> DeleteAsync(string name, StorageCondition condition = default, CancellationToken cancellationToken = default)
    {
        if (condition.IfNotExists)
        {
            throw new ArgumentException("A delete cannot be create-only; use None or Match(etag).", nameof(condition));
        }

        var blob = Blob(name);
        var operation = $"Delete blob '{Container}/{name}'";
        try
        {
            await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, Conditions(condition), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && condition.IfMatch is null)
        {
            return false; // Gone already: fine unless the caller required a particular version to be there.
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new StoragePreconditionFailedException(
                $"{operation} failed: the blob does not exist, so it does not have ETag {condition.IfMatch}.", ex.ErrorCode, ex);
        }
        catch (Exception ex) when (_errors.Map(ex, operation, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    private async Task<BlobProperties> PutBlobAsync(BlockBlobClient blob, string name, byte[] buffer, int length, StorageCondition condition,
        CancellationToken cancellationToken)
    {
        using var data = new MemoryStream(buffer, 0, length, writable: false);
        try
        {
            var info = (await blob.UploadAsync(data, new BlobUploadOptions { Conditions = Conditions(condition) }, cancellationToken)
                .ConfigureAwait(false)).Value;
            return new BlobProperties(name, length, info.ETag.ToString(), info.LastModified);
        }
        catch (Exception ex) when (PutFailure(ex, $"Put blob '{Container}/{name}'", condition, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    private async Task<BlobProperties> PutBlocksAsync(BlockBlobClient blob, string name, Stream content, (byte[] Buffer, int Length) first,
        (byte[] Buffer, int Length) second, StorageCondition condition, CancellationToken cancellationToken)
    {
        // Block IDs are scoped to the blob, not the writer: a per-upload GUID keeps two racing
        // writers from overwriting each other's uncommitted blocks.
        var uploadId = Guid.NewGuid();
        var blockIds = new List<string>();
        var inFlight = new List<Task>();
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long total = 0;
        var pending = new Queue<(byte[] Buffer, int Length)>([first, second]);
        try
        {
            while (true)
            {
                while (pending.TryDequeue(out var block))
                {
                    if (block.Length == 0)
                    {
                        ArrayPool<byte>.Shared.Return(block.Buffer);
                        continue;
                    }

                    if (inFlight.Count >= MaxParallelBlocks)
                    {
                        var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                        inFlight.Remove(done);
                        await done.ConfigureAwait(false); // Surfaces the first failure.
                    }

                    var id = BlockId(uploadId, blockIds.Count);
                    blockIds.Add(id);
                    total += block.Length;
                    inFlight.Add(StageBlockAsync(blob, name, id, block.Buffer, block.Length, failFast.Token));
                }

                if (total % BlockSize != 0)
                {
                    break; // The last block was short: the stream has ended.
                }

                var next = ArrayPool<byte>.Shared.Rent(BlockSize);
                var length = await content.ReadAtLeastAsync(next.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, cancellationToken)
                    .ConfigureAwait(false);
                pending.Enqueue((next, length));
                if (length == 0)
                {
                    pending.Clear();
                    ArrayPool<byte>.Shared.Return(next);
                    break;
                }
            }

            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
        catch
        {
            await failFast.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(inFlight).ConfigureAwait(false);
            }
            catch (Exception) when (inFlight.Count > 0)
            {
                // Already failing; the first failure is the one to report.
            }

            foreach (var (buffer, _) in pending)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            throw;
        }

        try
        {
            // Only the commit is conditional: it is what makes the blob visible.
            var info = (await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions { Conditions = Conditions(condition) }, cancellationToken)
                .ConfigureAwait(false)).Value;
            return new BlobProperties(name, total, info.ETag.ToString(), info.LastModified);
        }
        catch (Exception ex) when (PutFailure(ex, $"Put block list of blob '{Container}/{name}'", condition, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    private async Task StageBlockAsync(BlockBlobClient blob, string name, string blockId, byte[] buffer, int length,
        CancellationToken cancellationToken)
    {
        try
        {
            using var data = new MemoryStream(buffer, 0, length, writable: false);
            await blob.StageBlockAsync(blockId, data, options: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_errors.Map(ex, $"Put block of blob '{Container}/{name}'", cancellationToken) is { } mapped)
        {
            throw mapped;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private StorageException? PutFailure(Exception exception, string operation, StorageCondition condition, CancellationToken cancellationToken)
    {
        // If-Match on a blob that is gone: the port calls that a failed precondition, whatever the status.
        if (exception is RequestFailedException { Status: 404 } missing && condition.IfMatch is not null && missing.ErrorCode != "ContainerNotFound")
        {
            return new StoragePreconditionFailedException(
                $"{operation} failed: the blob does not exist, so it does not have ETag {condition.IfMatch}.", missing.ErrorCode, missing);
        }

        return _errors.Map(exception, operation, cancellationToken, condition.IfNotExists);
    }

    private async Task<BlobContent> EmptyContentAsync(string name, CancellationToken cancellationToken)
    {
        var properties = await GetPropertiesAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageNotFoundException($"Get blob '{Container}/{name}' failed: HTTP 404 BlobNotFound: The specified blob does not exist.",
                "BlobNotFound");
        return new BlobContent(ReadOnlyMemory<byte>.Empty, properties.ETag, properties.Length);
    }

    /// <summary>The client of a blob, after checking the name: the SDK escapes it, but would send '\' and '.' segments as they are.</summary>
    private BlockBlobClient Blob(string name) => _container.GetBlockBlobClient(StorageNaming.CheckBlobName(name));

    private static BlobRequestConditions? Conditions(StorageCondition condition) =>
        condition.IfNotExists ? new BlobRequestConditions { IfNoneMatch = ETag.All }
        : condition.IfMatch is { } etag ? new BlobRequestConditions { IfMatch = new ETag(etag) }
        : null;

    private static string BlockId(Guid uploadId, int index)
    {
        // Equal-length IDs are required within a blob: 16 GUID bytes + 4 index bytes = 28 base64 chars.
        Span<byte> raw = stackalloc byte[20];
        uploadId.TryWriteBytes(raw);
        BinaryPrimitives.WriteInt32BigEndian(raw[16..], index);
        return Convert.ToBase64String(raw);
    }

    // The listing's <Etag> lacks the quotes the ETag header has; quote it so both forms compare and match equally.
    private static string QuoteETag(string etag) =>
        etag.Length > 0 && !etag.StartsWith('"') && !etag.StartsWith("W/", StringComparison.Ordinal) ? "\"" + etag + "\"" : etag;

    // "bytes 0-99/1234": the total after the slash; null when the service sent no range.
    private static long? TotalFromContentRange(string? contentRange)
    {
        var slash = contentRange?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total)
            ? total
            : null;
    }
}
