using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>
/// The file primitives every local adapter builds on: write to a temp file in the same file
/// system, fsync, then rename into place, so a reader sees the old file or the whole new one.
/// </summary>
internal static class LocalDiskFiles
{
    /// <summary>Each store keeps its temp files in this folder, which is never listed.</summary>
    public const string TempDirectoryName = ".tmp";

    /// <summary>
    /// Temp files older than this are garbage from a crash. Generous, because another process
    /// sharing the folder may still be writing a young one.
    /// </summary>
    public static readonly TimeSpan StaleTempFileAge = TimeSpan.FromMinutes(10);

    public static string NewTempPath(string tempDirectory)
    {
        Directory.CreateDirectory(tempDirectory);
        return Path.Combine(tempDirectory, Guid.NewGuid().ToString("N") + ".tmp");
    }

    public static FileStream CreateTempFile(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        Share = FileShare.None,
        Options = FileOptions.Asynchronous,
        BufferSize = 0, // callers write in large chunks already
    });

    /// <summary>Flushes and fsyncs, so the rename that follows never exposes an empty or partial file after a power loss.</summary>
    public static async Task FlushToDiskAsync(FileStream stream, CancellationToken cancellationToken)
    {
        await stream.FlushAsync(cancellationToken);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces (or creates) <paramref name="targetPath"/> with <paramref name="data"/> atomically.</summary>
    public static async Task WriteAtomicallyAsync(string tempDirectory, string targetPath, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var tempPath = NewTempPath(tempDirectory);
        try
        {
            await using (var stream = CreateTempFile(tempPath))
            {
                await stream.WriteAsync(data, cancellationToken);
                await FlushToDiskAsync(stream, cancellationToken);
            }

            MoveIntoPlace(tempPath, targetPath, overwrite: true);
        }
        finally
        {
            TryDelete(tempPath);
        }
    }

    /// <summary>
    /// Renames a finished temp file into place, replacing what is there. The target's folder is
    /// (re)created, since a concurrent delete may prune it as it empties.
    /// </summary>
    public static void MoveIntoPlace(string tempPath, string targetPath, bool overwrite)
    {
        var directory = Path.GetDirectoryName(targetPath)!;
        for (var attempt = 0; ; attempt++)
        {
            Directory.CreateDirectory(directory);
            try
            {
                File.Move(tempPath, targetPath, overwrite);
                return;
            }
            catch (IOException) when (attempt < 10 && !Directory.Exists(directory))
            {
                // Pruned between CreateDirectory and Move: try again.
            }
        }
    }

    /// <summary>
    /// Publishes a finished temp file under <paramref name="targetPath"/> only if nothing is there;
    /// false when something is. Exact across processes where hard links work (link(2)); elsewhere
    /// it relies on the caller's in-process lock, since File.Move checks then renames.
    /// </summary>
    public static bool TryMoveIntoPlaceCreateOnly(string tempPath, string targetPath)
    {
        var directory = Path.GetDirectoryName(targetPath)!;
        for (var attempt = 0; ; attempt++)
        {
            Directory.CreateDirectory(directory);
            switch (HardLink.TryCreate(tempPath, targetPath))
            {
                case HardLink.Result.Created:
                    TryDelete(tempPath);
                    return true;
                case HardLink.Result.TargetExists:
                    return false;
                case HardLink.Result.DirectoryMissing when attempt < 10:
                    continue; // pruned meanwhile
                default:
                    try
                    {
                        MoveIntoPlace(tempPath, targetPath, overwrite: false);
                        return true;
                    }
                    catch (IOException) when (File.Exists(targetPath))
                    {
                        return false;
                    }
            }
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            // Best effort: a leftover temp file is removed at the next start.
        }
    }

    /// <summary>Deletes temp files a crashed writer left behind (best effort).</summary>
    /// <remarks>
    /// Ages are measured on the real clock, not an injected TimeProvider: file times come from
    /// the kernel, and a fake clock running ahead would delete files that writers still use.
    /// </remarks>
    public static void DeleteStaleTempFiles(string tempDirectory)
    {
        try
        {
            if (!Directory.Exists(tempDirectory))
            {
                return;
            }

            var cutoff = DateTime.UtcNow - StaleTempFileAge;
            foreach (var path in Directory.EnumerateFiles(tempDirectory))
            {
                if (File.GetLastWriteTimeUtc(path) < cutoff)
                {
                    TryDelete(path);
                }
            }
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            // Best effort; the files are never read, only wasted space.
        }
    }

    /// <summary>Removes <paramref name="directory"/> and its parents below <paramref name="stopAt"/> while they are empty.</summary>
    public static void PruneEmptyDirectories(string directory, string stopAt)
    {
        while (directory.Length > stopAt.Length && directory.StartsWith(stopAt, StringComparison.Ordinal))
        {
            try
            {
                Directory.Delete(directory);
            }
            catch (Exception ex) when (IsIoFailure(ex))
            {
                return; // not empty (or already gone): writers may be using it
            }

            directory = Path.GetDirectoryName(directory)!;
        }
    }

    public static bool IsIoFailure(Exception ex) => ex is IOException or UnauthorizedAccessException;

    /// <summary>Maps a file-system failure onto the port's exceptions, so the domain never sees IOException.</summary>
    public static StorageUnavailableException Unavailable(string what, Exception inner) =>
        new($"Local disk storage failed to {what}: {inner.Message}", null, inner);
}
