using System.Buffers;
using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>
/// A blob container as a folder. Blob "a/b/c" is the file "a/b/c~" (segments escaped by
/// <see cref="LocalDiskNaming.EscapeSegment"/>; the '~' keeps blob "a" and blob "a/b" from
/// colliding as file and folder). Names whose escaped path is too long for Linux live in
/// ".long/&lt;sha256&gt;~". Each file starts with a <see cref="BlobFileHeader"/> holding the ETag.
/// </summary>
/// <remarks>
/// Concurrency: conditional writes and deletes take an in-process lock per blob name, so ETag
/// checks and create-only are exact within the process. Across processes create-only is exact
/// too where hard links work (link(2) fails when the target exists: Linux, macOS); If-Match and
/// delete are best effort across processes.
/// </remarks>
public sealed class LocalDiskBlobStore : IBlobStore
{
    private const int MaxPageSize = 5000;
    private const string FileSuffix = "~";
    private const string LongNamesDirectoryName = ".long";

    // Keeps root + path well under PATH_MAX (4,096 bytes).
    private const int MaxEscapedPathLength = 2048;

    private readonly string _directory;
    private readonly string _tempDirectory;
    private readonly string _longNamesDirectory;
    private readonly TimeProvider _timeProvider;
    private readonly StripedAsyncLock _locks = new(64);

    internal LocalDiskBlobStore(string directory, string container, TimeProvider timeProvider)
    {
        Container = container;
        _directory = directory;
        _tempDirectory = Path.Combine(directory, LocalDiskFiles.TempDirectoryName);
        _longNamesDirectory = Path.Combine(directory, LongNamesDirectoryName);
        _timeProvider = timeProvider;
        LocalDiskFiles.DeleteStaleTempFiles(_tempDirectory);
    }

    public string Container { get; }

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            Directory.CreateDirectory(_directory);
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"create container '{Container}'", ex);
        }

        LocalDiskFiles.DeleteStaleTempFiles(_tempDirectory);
        return Task.CompletedTask;
    }

    public async Task<BlobProperties> PutAsync(string name, Stream content, StorageCondition condition = default, CancellationToken cancellationToken = default)
    {
        StorageNaming.CheckBlobName(name);
        ArgumentNullException.ThrowIfNull(content);
        EnsureContainerExists();
        var path = FilePath(name);
        var etag = BlobFileHeader.NewETag();
        var lastModified = _timeProvider.GetUtcNow();
        var tempPath = string.Empty;
        var readingSource = false;
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            tempPath = LocalDiskFiles.NewTempPath(_tempDirectory);
            long length = 0;
            await using (var file = LocalDiskFiles.CreateTempFile(tempPath))
            {
                await file.WriteAsync(BlobFileHeader.Encode(name, etag, lastModified), cancellationToken);
                while (true)
                {
                    // The caller's stream may fail (that is its error, not ours): the temp file is dropped.
                    readingSource = true;
                    var read = await content.ReadAsync(buffer, cancellationToken);
                    readingSource = false;
                    if (read == 0)
                    {
                        break;
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    length += read;
                }

                await LocalDiskFiles.FlushToDiskAsync(file, cancellationToken);
            }

            using (await _locks.EnterAsync(name, cancellationToken))
            {
                if (condition.IfNotExists)
                {
                    if (!LocalDiskFiles.TryMoveIntoPlaceCreateOnly(tempPath, path))
                    {
                        throw new StorageConflictException($"Blob '{name}' already exists in '{Container}'.", "BlobAlreadyExists");
                    }
                }
                else
                {
                    if (condition.IfMatch is { } expected)
                    {
                        var current = await ReadPropertiesAsync(name, path, CancellationToken.None);
                        if (current is null || !ETagMatches(expected, current.ETag))
                        {
                            throw new StoragePreconditionFailedException($"Blob '{name}' does not have ETag {expected}.", "ConditionNotMet");
                        }
                    }

                    LocalDiskFiles.MoveIntoPlace(tempPath, path, overwrite: true);
                }
            }

            return new BlobProperties(name, length, etag, lastModified);
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex) && !readingSource)
        {
            throw LocalDiskFiles.Unavailable($"write blob '{name}'", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (tempPath.Length > 0)
            {
                LocalDiskFiles.TryDelete(tempPath);
            }
        }
    }

    public async Task<BlobContent> GetAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default)
    {
        StorageNaming.CheckBlobName(name);
        if (range is { } r && (r.Offset < 0 || r.Length <= 0))
        {
            throw new StorageRequestException($"Invalid byte range {r.Offset}+{r.Length}.", "InvalidRange");
        }

        var path = FilePath(name);
        try
        {
            using var file = OpenRead(path);
            var fileLength = RandomAccess.GetLength(file);
            var header = await BlobFileHeader.ReadAsync(file, fileLength, cancellationToken);
            if (header is null || header.Name != name)
            {
                throw NotFound(name);
            }

            var total = fileLength - header.Size;
            long offset = 0;
            var count = total;
            if (range is { } requested)
            {
                // Clipped to the blob; one that starts at or past the end reads no bytes, as with the Azure adapter.
                offset = Math.Min(requested.Offset, total);
                count = Math.Min(requested.Length, total - offset);
            }

            if (count > Array.MaxLength)
            {
                throw new StorageRequestException($"Cannot read {count} bytes at once from blob '{name}'; read ranges.", "InvalidRange");
            }

            var data = GC.AllocateUninitializedArray<byte>((int)count);
            var done = 0;
            while (done < data.Length)
            {
                var read = await RandomAccess.ReadAsync(file, data.AsMemory(done), header.Size + offset + done, cancellationToken);
                if (read == 0)
                {
                    throw new StorageUnavailableException($"Blob file of '{name}' ended early.");
                }

                done += read;
            }

            return new BlobContent(data, header.ETag, total);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(name, ex);
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"read blob '{name}'", ex);
        }
    }

    public async Task<BlobProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        StorageNaming.CheckBlobName(name);
        try
        {
            return await ReadPropertiesAsync(name, FilePath(name), cancellationToken);
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"read blob '{name}'", ex);
        }
    }

    public async Task<BlobPage> ListAsync(string prefix, string? continuationToken = null, int pageSize = MaxPageSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        EnsureContainerExists();
        var after = continuationToken is null ? null : LocalDiskNaming.DecodeToken(continuationToken);
        try
        {
            var candidates = new List<(string Name, string Path)>();
            await foreach (var entry in EnumerateAsync(prefix, cancellationToken))
            {
                if (entry.Name.StartsWith(prefix, StringComparison.Ordinal)
                    && (after is null || Utf8Ordinal.Instance.Compare(entry.Name, after) > 0))
                {
                    candidates.Add(entry);
                }
            }

            candidates.Sort((a, b) => Utf8Ordinal.Instance.Compare(a.Name, b.Name));
            var take = Math.Min(pageSize, candidates.Count);
            var items = new List<BlobProperties>(take);
            for (var i = 0; i < take; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var properties = await ReadPropertiesAsync(candidates[i].Name, candidates[i].Path, cancellationToken);
                if (properties is not null)
                {
                    items.Add(properties); // else deleted since we enumerated
                }
            }

            var token = candidates.Count > take ? LocalDiskNaming.EncodeToken(candidates[take - 1].Name) : null;
            return new BlobPage(items, token);
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"list container '{Container}'", ex);
        }
    }

    public async Task<bool> DeleteAsync(string name, StorageCondition condition = default, CancellationToken cancellationToken = default)
    {
        StorageNaming.CheckBlobName(name);
        var path = FilePath(name);
        try
        {
            using (await _locks.EnterAsync(name, cancellationToken))
            {
                if (condition.IfMatch is { } expected)
                {
                    var current = await ReadPropertiesAsync(name, path, CancellationToken.None);
                    if (current is null || !ETagMatches(expected, current.ETag))
                    {
                        throw new StoragePreconditionFailedException($"Blob '{name}' does not have ETag {expected}.", "ConditionNotMet");
                    }
                }
                else if (!File.Exists(path))
                {
                    return false;
                }

                File.Delete(path);
            }

            // Empty folders would slow every later listing down.
            LocalDiskFiles.PruneEmptyDirectories(Path.GetDirectoryName(path)!, _directory);
            return true;
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"delete blob '{name}'", ex);
        }
    }

    /// <summary>The file that holds blob <paramref name="name"/>.</summary>
    internal string FilePath(string name)
    {
        var segments = name.Split('/');
        var escaped = new string[segments.Length];
        var total = 0;
        for (var i = 0; i < segments.Length; i++)
        {
            escaped[i] = LocalDiskNaming.EscapeSegment(segments[i]);
            total += escaped[i].Length + 1;
            if (escaped[i].Length > LocalDiskNaming.MaxEscapedSegment || total > MaxEscapedPathLength)
            {
                return Path.Combine(_longNamesDirectory, LocalDiskNaming.Hash(name) + FileSuffix);
            }
        }

        escaped[^1] += FileSuffix;
        return Path.Combine(_directory, string.Join('/', escaped));
    }

    private static bool ETagMatches(string expected, string actual) => expected == "*" || expected == actual;

    private static SafeFileHandle OpenRead(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);

    private StorageNotFoundException NotFound(string name, Exception? inner = null) =>
        new($"Blob '{name}' does not exist in '{Container}'.", "BlobNotFound", inner);

    private void EnsureContainerExists()
    {
        if (!Directory.Exists(_directory))
        {
            throw new StorageNotFoundException($"Container '{Container}' does not exist.", "ContainerNotFound");
        }
    }

    /// <summary>The properties from the file's header; null when there is no such blob.</summary>
    private static async Task<BlobProperties?> ReadPropertiesAsync(string name, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var file = OpenRead(path);
            var fileLength = RandomAccess.GetLength(file);
            var header = await BlobFileHeader.ReadAsync(file, fileLength, cancellationToken);
            return header is null || header.Name != name
                ? null
                : new BlobProperties(name, fileLength - header.Size, header.ETag, header.LastModified);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// The blobs that may start with <paramref name="prefix"/>: the subtree of the prefix's complete
    /// segments, plus the hashed long names (whose real names only their headers know).
    /// </summary>
    private async IAsyncEnumerable<(string Name, string Path)> EnumerateAsync(
        string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = _directory;
        var lastSlash = prefix.LastIndexOf('/');
        var treeMayMatch = true;
        if (lastSlash >= 0)
        {
            foreach (var segment in prefix[..lastSlash].Split('/'))
            {
                var escaped = LocalDiskNaming.EscapeSegment(segment);
                treeMayMatch &= escaped.Length <= LocalDiskNaming.MaxEscapedSegment;
                start = Path.Combine(start, escaped);
            }
        }

        if (treeMayMatch)
        {
            foreach (var path in ListFiles(start, recursive: true))
            {
                if (TryDecodePath(path) is { } name)
                {
                    yield return (name, path);
                }
            }
        }

        foreach (var path in ListFiles(_longNamesDirectory, recursive: false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            BlobFileHeader? header = null;
            try
            {
                using var file = OpenRead(path);
                header = await BlobFileHeader.ReadAsync(file, RandomAccess.GetLength(file), cancellationToken);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                // Deleted meanwhile.
            }

            if (header is not null)
            {
                yield return (header.Name, path);
            }
        }
    }

    /// <summary>
    /// The blob files under <paramref name="directory"/>. A folder that a concurrent delete prunes
    /// is simply empty (the enumerator already skips vanished subfolders).
    /// </summary>
    private static List<string> ListFiles(string directory, bool recursive)
    {
        try
        {
            return [.. EnumerateBlobFiles(directory, recursive)];
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    private static FileSystemEnumerable<string> EnumerateBlobFiles(string directory, bool recursive) =>
        new(directory, static (ref FileSystemEntry entry) => entry.ToFullPath(), new EnumerationOptions
        {
            RecurseSubdirectories = recursive,
            AttributesToSkip = 0, // on Unix dot-names count as hidden; we filter ourselves
            IgnoreInaccessible = false,
        })
        {
            // Our own folders (".tmp", ".long") start with '.', which escaped segments never do.
            ShouldRecursePredicate = static (ref FileSystemEntry entry) => entry.FileName[0] != '.',
            ShouldIncludePredicate = static (ref FileSystemEntry entry) =>
                !entry.IsDirectory && entry.FileName[0] != '.' && entry.FileName.EndsWith(FileSuffix),
        };

    /// <summary>The blob name of a file in the escaped tree, or null for a file that is not a blob.</summary>
    private string? TryDecodePath(string path)
    {
        var relative = path.AsSpan(_directory.Length + 1, path.Length - _directory.Length - 1 - FileSuffix.Length);
        var parts = new List<string>();
        foreach (var range in relative.Split('/'))
        {
            if (!LocalDiskNaming.TryUnescapeSegment(relative[range], out var segment))
            {
                return null;
            }

            parts.Add(segment);
        }

        return string.Join('/', parts);
    }
}
