using System.Collections;

namespace Serverless.Monitoring.Core.Storage.Querying;

/// <summary>
/// Problems a query worked around (a corrupt or vanished block was skipped), to show beside the
/// result as Prometheus's API does with <c>warnings</c>. Thread-safe to add to.
/// </summary>
public sealed class QueryWarnings : IReadOnlyList<string>
{
    private readonly Lock _gate = new();
    private readonly List<string> _items = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    public string this[int index]
    {
        get
        {
            lock (_gate)
            {
                return _items[index];
            }
        }
    }

    /// <summary>Adds a warning (duplicates are kept once).</summary>
    public void Add(string warning)
    {
        ArgumentNullException.ThrowIfNull(warning);
        lock (_gate)
        {
            if (!_items.Contains(warning))
            {
                _items.Add(warning);
            }
        }
    }

    public IEnumerator<string> GetEnumerator()
    {
        lock (_gate)
        {
            return _items.ToList().GetEnumerator();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
