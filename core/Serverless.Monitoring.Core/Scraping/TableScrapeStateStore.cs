using System.IO.Compression;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Core.Storage.Index;

namespace Serverless.Monitoring.Core.Scraping;

/// <summary>
/// Keeps each target's previous series in the table store: one entity per target (partition
/// <c>scrape-state</c>, row = target key) holding the label sets Brotli-compressed, split over
/// binary properties of at most 64 KiB (Azure's limit per property; an entity holds 1 MiB, i.e.
/// some hundred thousand series per target). Written only when the set changed.
/// </summary>
public sealed class TableScrapeStateStore(ITableStore table) : IScrapeStateStore
{
    public const string PartitionKey = "scrape-state";
    private const int PartBytes = 64 * 1024;
    private const int MaxParts = 15;

    public async Task<SavedScrapeState?> LoadAsync(string targetKey, CancellationToken cancellationToken)
    {
        var entity = await table.GetAsync(PartitionKey, targetKey, cancellationToken);
        if (entity is null || entity["Fingerprint"] is not long fingerprint || entity["Parts"] is not int parts)
        {
            return null;
        }

        using var compressed = new MemoryStream();
        for (var i = 0; i < parts; i++)
        {
            if (entity["Data" + i] is not byte[] part)
            {
                return null;
            }

            compressed.Write(part);
        }

        compressed.Position = 0;
        try
        {
            using var brotli = new BrotliStream(compressed, CompressionMode.Decompress);
            using var raw = new MemoryStream();
            await brotli.CopyToAsync(raw, cancellationToken);
            return new SavedScrapeState(Decode(raw.GetBuffer().AsSpan(0, (int)raw.Length)), unchecked((ulong)fingerprint));
        }
        catch (Exception ex) when (ex is InvalidDataException or IndexOutOfRangeException or ArgumentException or InvalidLabelsException)
        {
            // A damaged state costs only the staleness markers of one scrape: start afresh.
            return null;
        }
    }

    public async Task SaveAsync(string targetKey, IReadOnlyCollection<LabelSet> series, ulong fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(series);
        var raw = Encode(series);
        using var compressed = new MemoryStream();
        await using (var brotli = new BrotliStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await brotli.WriteAsync(raw, cancellationToken);
        }

        var bytes = compressed.GetBuffer().AsMemory(0, (int)compressed.Length);
        var parts = (bytes.Length + PartBytes - 1) / PartBytes;
        if (parts > MaxParts)
        {
            throw new InvalidOperationException($"target {targetKey}: {series.Count} series do not fit the scrape state entity ({bytes.Length} bytes compressed)");
        }

        var entity = new TableEntity(PartitionKey, targetKey)
        {
            ["Fingerprint"] = unchecked((long)fingerprint),
            ["Parts"] = parts,
            ["Series"] = series.Count,
        };
        for (var i = 0; i < parts; i++)
        {
            entity["Data" + i] = bytes.Slice(i * PartBytes, Math.Min(PartBytes, bytes.Length - (i * PartBytes))).ToArray();
        }

        await table.UpsertAsync(entity, cancellationToken);
    }

    public Task DeleteAsync(string targetKey, CancellationToken cancellationToken) =>
        table.DeleteAsync(PartitionKey, targetKey, "*", cancellationToken);

    /// <summary>The number of series, then each label set as the label index stores one (<see cref="LabelSetCodec"/>).</summary>
    private static byte[] Encode(IReadOnlyCollection<LabelSet> series)
    {
        var buffer = new BlockBuffer(Math.Max(256, series.Count * 128));
        buffer.WriteUvarint((ulong)series.Count);
        foreach (var labels in series)
        {
            LabelSetCodec.Write(buffer, labels);
        }

        return buffer.Span.ToArray();
    }

    private static List<LabelSet> Decode(ReadOnlySpan<byte> data)
    {
        var pos = 0;
        var count = (int)LabelSetCodec.ReadUvarint(data, ref pos);
        var series = new List<LabelSet>(count);
        for (var i = 0; i < count; i++)
        {
            series.Add(LabelSetCodec.Read(data, ref pos));
        }

        return series;
    }
}
