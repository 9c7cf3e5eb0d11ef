using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Blocks;

namespace Serverless.Monitoring.Core.Storage.Querying;

/// <summary>
/// One series of a selection: its labels and the chunks of every block that holds it in the
/// query's range (already read, so iterating does no I/O). Iterate with <see cref="Iterator"/>
/// (seekable, allocation-light) or take <see cref="ToArray"/>.
/// </summary>
public sealed class StoredSeries
{
    private readonly IReadOnlyList<BlockChunk[]> _runs;

    internal StoredSeries(LabelSet labels, IReadOnlyList<BlockChunk[]> runs, long minTimeMs, long maxTimeMs)
    {
        Labels = labels;
        _runs = runs;
        MinTimeMs = minTimeMs;
        MaxTimeMs = maxTimeMs;
    }

    /// <summary>The series' labels.</summary>
    public LabelSet Labels { get; }

    /// <summary>Start of the query range (inclusive); the iterator yields nothing earlier.</summary>
    public long MinTimeMs { get; }

    /// <summary>End of the query range (inclusive); the iterator yields nothing later.</summary>
    public long MaxTimeMs { get; }

    /// <summary>Number of blocks contributing chunks.</summary>
    public int BlockCount => _runs.Count;

    /// <summary>A new iterator over the merged samples in the range.</summary>
    public SeriesIterator Iterator() => new(_runs, MinTimeMs, MaxTimeMs);

    /// <summary>Appends the merged samples in [<paramref name="fromMs"/>, <paramref name="toMs"/>] (within the range) to the two lists.</summary>
    internal void AppendTo(long fromMs, long toMs, List<long> timestamps, List<double> values) =>
        Iterator().AppendTo(fromMs, toMs, timestamps, values);

    /// <summary>The merged samples in the range.</summary>
    public Sample[] ToArray()
    {
        var list = new List<Sample>();
        var it = Iterator();
        while (it.MoveNext())
        {
            list.Add(it.Current);
        }

        return [.. list];
    }
}
