using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// One Blob Storage container over the REST API. Small objects go up in one Put Blob; larger
/// ones as 4 MiB blocks committed by one Put Block List, which carries the write condition, so
/// readers see the old or the whole new object and a create-only race has exactly one winner.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    /// <summary>Block size of large uploads, and the largest object sent in a single Put Blob.</summary>
    internal const int BlockSize = 4 * 1024 * 1024;

    private const int MaxParallelBlocks = 4;

    private readonly StorageServiceClient _client;
    private readonly string _containerPath;

    internal AzureBlobStore(StorageServiceClient client, string container)
    {
        _client = client;
        Container = StorageNaming.CheckContainerOrQueue(container, "container");
        _containerPath = "/" + container;
    }

    public string Container { get; }

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = _client.CreateMessage(RequestMethod.Put, _containerPath, ("restype", "container"));
        message.Request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status == 201 || (response.Status == 409 && ErrorCode(response) == "ContainerAlreadyExists"))
        {
            return;
        }

        throw StorageErrors.FromResponse(response, $"Create container '{Container}'");
    }

    public async Task<BlobProperties> PutAsync(string name, Stream content, StorageCondition condition = default,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = BlobPath(name);

        var first = ArrayPool<byte>.Shared.Rent(BlockSize);
        var firstOwned = true;
        try
        {
            var firstLength = await content.ReadAtLeastAsync(first.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, cancellationToken)
                .ConfigureAwait(false);
            if (firstLength < BlockSize)
            {
                return await PutBlobAsync(name, path, first.AsMemory(0, firstLength), condition, cancellationToken).ConfigureAwait(false);
            }

            var second = ArrayPool<byte>.Shared.Rent(BlockSize);
            var secondLength = await content.ReadAtLeastAsync(second.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, cancellationToken)
                .ConfigureAwait(false);
            if (secondLength == 0)
            {
                ArrayPool<byte>.Shared.Return(second);
                return await PutBlobAsync(name, path, first.AsMemory(0, firstLength), condition, cancellationToken).ConfigureAwait(false);
            }

            firstOwned = false; // The block upload takes both buffers over.
            return await PutBlocksAsync(name, path, content, (first, firstLength), (second, secondLength), condition, cancellationToken)
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
        var path = BlobPath(name);
        if (range is { } r)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(r.Offset, nameof(range));
            ArgumentOutOfRangeException.ThrowIfNegative(r.Length, nameof(range));
            if (r.Length == 0)
            {
                // x-ms-range cannot express an empty range.
                return await EmptyContentAsync(name, cancellationToken).ConfigureAwait(false);
            }
        }

        using var message = _client.CreateMessage(RequestMethod.Get, path);
        if (range is { } rr)
        {
            message.Request.Headers.SetValue("x-ms-range", string.Create(CultureInfo.InvariantCulture, $"bytes={rr.Offset}-{rr.End - 1}"));
        }

        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        switch (response.Status)
        {
            case 200:
            {
                var data = response.Content.ToArray();
                ReadOnlyMemory<byte> slice = data;
                if (range is { } whole)
                {
                    // A service that ignored the range sent the whole object: cut the range out.
                    var start = (int)Math.Min(whole.Offset, data.Length);
                    slice = slice[start..(int)Math.Min(whole.End, data.Length)];
                }

                return new BlobContent(slice, ETagOf(response), data.Length);
            }

            case 206:
                return new BlobContent(response.Content.ToArray(), ETagOf(response), TotalFromContentRange(response));
            case 416:
                // The range starts at or past the end: like a file read there, no bytes.
                return await EmptyContentAsync(name, cancellationToken).ConfigureAwait(false);
            default:
                throw StorageErrors.FromResponse(response, $"Get blob '{Container}/{name}'");
        }
    }

    public async Task<BlobProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        using var message = _client.CreateMessage(RequestMethod.Head, BlobPath(name));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            200 => new BlobProperties(name, LongHeader(response, "Content-Length"), ETagOf(response), LastModifiedOf(response)),
            404 => null,
            _ => throw StorageErrors.FromResponse(response, $"Get properties of blob '{Container}/{name}'"),
        };
    }

    public async Task<BlobPage> ListAsync(string prefix, string? continuationToken = null, int pageSize = 5000,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 5000);

        using var message = _client.CreateMessage(RequestMethod.Get, _containerPath,
            ("restype", "container"), ("comp", "list"),
            ("prefix", prefix.Length == 0 ? null : prefix),
            ("marker", string.IsNullOrEmpty(continuationToken) ? null : continuationToken),
            ("maxresults", pageSize.ToString(CultureInfo.InvariantCulture)));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageErrors.FromResponse(response, $"List blobs in '{Container}' with prefix '{prefix}'");
        }

        return ParseListing(response.Content.ToStream());
    }

    public async Task<bool> DeleteAsync(string name, StorageCondition condition = default, CancellationToken cancellationToken = default)
    {
        if (condition.IfNotExists)
        {
            throw new ArgumentException("A delete cannot be create-only; use None or Match(etag).", nameof(condition));
        }

        using var message = _client.CreateMessage(RequestMethod.Delete, BlobPath(name));
        message.Request.Headers.SetValue("x-ms-delete-snapshots", "include");
        ApplyCondition(message.Request, condition);
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var operation = $"Delete blob '{Container}/{name}'";
        return response.Status switch
        {
            202 => true,
            // Gone already: fine unless the caller required a particular version to be there.
            404 when condition.IfMatch is null => false,
            404 => throw new StoragePreconditionFailedException(
                $"{operation} failed: the blob does not exist, so it does not have ETag {condition.IfMatch}.", ErrorCode(response)),
            _ => throw StorageErrors.FromResponse(response, operation),
        };
    }

    private async Task<BlobProperties> PutBlobAsync(string name, string path, ReadOnlyMemory<byte> data, StorageCondition condition,
        CancellationToken cancellationToken)
    {
        using var message = _client.CreateMessage(RequestMethod.Put, path);
        message.Request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        message.Request.Content = RequestContent.Create(data);
        ApplyCondition(message.Request, condition);
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 201)
        {
            throw PutFailure(response, $"Put blob '{Container}/{name}'", condition);
        }

        return new BlobProperties(name, data.Length, ETagOf(response), LastModifiedOf(response));
    }

    private async Task<BlobProperties> PutBlocksAsync(string name, string path, Stream content, (byte[] Buffer, int Length) first,
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
                    inFlight.Add(PutBlockAsync(name, path, id, block.Buffer, block.Length, failFast.Token));
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

        return await PutBlockListAsync(name, path, blockIds, total, condition, cancellationToken).ConfigureAwait(false);
    }

    private async Task PutBlockAsync(string name, string path, string blockId, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        try
        {
            using var message = _client.CreateMessage(RequestMethod.Put, path, ("comp", "block"), ("blockid", blockId));
            message.Request.Content = RequestContent.Create(buffer.AsMemory(0, length));
            var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            if (response.Status != 201)
            {
                throw StorageErrors.FromResponse(response, $"Put block of blob '{Container}/{name}'");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<BlobProperties> PutBlockListAsync(string name, string path, List<string> blockIds, long total,
        StorageCondition condition, CancellationToken cancellationToken)
    {
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var id in blockIds)
        {
            xml.Append("<Latest>").Append(id).Append("</Latest>");
        }

        xml.Append("</BlockList>");
        using var message = _client.CreateMessage(RequestMethod.Put, path, ("comp", "blocklist"));
        message.Request.Headers.SetValue("Content-Type", "application/xml");
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(xml.ToString()));
        ApplyCondition(message.Request, condition); // Only the commit is conditional: it is what makes the blob visible.
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 201)
        {
            throw PutFailure(response, $"Put block list of blob '{Container}/{name}'", condition);
        }

        return new BlobProperties(name, total, ETagOf(response), LastModifiedOf(response));
    }

    private static StorageException PutFailure(Response response, string operation, StorageCondition condition)
    {
        // If-Match on a blob that is gone: the port calls that a failed precondition, whatever the status.
        if (response.Status == 404 && condition.IfMatch is not null && ErrorCode(response) != "ContainerNotFound")
        {
            return new StoragePreconditionFailedException(
                $"{operation} failed: the blob does not exist, so it does not have ETag {condition.IfMatch}.", ErrorCode(response));
        }

        return StorageErrors.FromResponse(response, operation, condition.IfNotExists);
    }

    private async Task<BlobContent> EmptyContentAsync(string name, CancellationToken cancellationToken)
    {
        var properties = await GetPropertiesAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageNotFoundException($"Get blob '{Container}/{name}' failed: HTTP 404 BlobNotFound: The specified blob does not exist.",
                "BlobNotFound");
        return new BlobContent(ReadOnlyMemory<byte>.Empty, properties.ETag, properties.Length);
    }

    private BlobPage ParseListing(Stream xml)
    {
        using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        var root = XDocument.Load(reader).Root
            ?? throw new StorageRequestException($"List blobs in '{Container}' returned an empty document.");
        var items = new List<BlobProperties>();
        foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
        {
            var nameElement = blob.Element("Name")!;
            // Names with characters XML cannot carry come back percent-encoded and flagged.
            var name = (string?)nameElement.Attribute("Encoded") == "true" ? Uri.UnescapeDataString(nameElement.Value) : nameElement.Value;
            var props = blob.Element("Properties");
            var etag = props?.Element("Etag")?.Value ?? string.Empty;
            items.Add(new BlobProperties(
                name,
                long.Parse(props?.Element("Content-Length")?.Value ?? "0", CultureInfo.InvariantCulture),
                QuoteETag(etag),
                DateTimeOffset.Parse(props?.Element("Last-Modified")?.Value ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)));
        }

        var next = root.Element("NextMarker")?.Value;
        return new BlobPage(items, string.IsNullOrEmpty(next) ? null : next);
    }

    private string BlobPath(string name) => _containerPath + StorageNames.EscapeBlobName(name);

    private static string BlockId(Guid uploadId, int index)
    {
        // Equal-length IDs are required within a blob: 16 GUID bytes + 4 index bytes = 28 base64 chars.
        Span<byte> raw = stackalloc byte[20];
        uploadId.TryWriteBytes(raw);
        BinaryPrimitives.WriteInt32BigEndian(raw[16..], index);
        return Convert.ToBase64String(raw);
    }

    private static void ApplyCondition(Request request, StorageCondition condition)
    {
        if (condition.IfNotExists)
        {
            request.Headers.SetValue("If-None-Match", "*");
        }
        else if (condition.IfMatch is { } etag)
        {
            request.Headers.SetValue("If-Match", etag);
        }
    }

    // The listing's <Etag> lacks the quotes the ETag header has; quote it so both forms compare and match equally.
    private static string QuoteETag(string etag) =>
        etag.Length > 0 && !etag.StartsWith('"') && !etag.StartsWith("W/", StringComparison.Ordinal) ? "\"" + etag + "\"" : etag;

    private static string ETagOf(Response response) =>
        response.Headers.TryGetValue("ETag", out var etag) ? QuoteETag(etag) : string.Empty;

    private static DateTimeOffset LastModifiedOf(Response response) =>
        response.Headers.TryGetValue("Last-Modified", out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : DateTimeOffset.UtcNow;

    private static long LongHeader(Response response, string name) =>
        response.Headers.TryGetValue(name, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : 0;

    private static long TotalFromContentRange(Response response)
    {
        // "bytes 0-99/1234"
        if (response.Headers.TryGetValue("Content-Range", out var range))
        {
            var slash = range.LastIndexOf('/');
            if (slash >= 0 && long.TryParse(range.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total))
            {
                return total;
            }
        }

        return response.Content.ToMemory().Length;
    }

    private static string? ErrorCode(Response response) =>
        response.Headers.TryGetValue("x-ms-error-code", out var code) ? code : null;
}
