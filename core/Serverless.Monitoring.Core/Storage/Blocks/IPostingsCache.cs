namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>
/// Parsed postings lists of immutable blocks, by blob name and the list's offset in the blob,
/// which a <see cref="BlockReader"/> consults before reading postings: a warm select then reads
/// nothing from the blob store.
/// </summary>
public interface IPostingsCache
{
    /// <summary>The cached list at <paramref name="offset"/> of block blob <paramref name="blobName"/>, or null. Callers must not modify it.</summary>
    uint[]? GetPostings(string blobName, long offset);

    /// <summary>Caches a parsed postings list.</summary>
    void PutPostings(string blobName, long offset, uint[] postings);
}
