using System.Text;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// The last lines a process wrote, at most <see cref="Limit"/> characters of them,
/// for failure messages. Thread-safe: stdout and stderr append from their own threads.
/// </summary>
public sealed class BoundedOutput
{
    private readonly object _gate = new();
    private readonly LinkedList<string> _lines = new();
    private int _chars;
    private long _dropped;

    public BoundedOutput(int limit = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    /// <summary>How many characters are kept; older lines are dropped first.</summary>
    public int Limit { get; }

    public void AppendLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length > Limit)
        {
            line = line[^Limit..];
        }

        lock (_gate)
        {
            _lines.AddLast(line);
            _chars += line.Length + 1;
            while (_chars > Limit && _lines.First is { } first)
            {
                _chars -= first.Value.Length + 1;
                _lines.RemoveFirst();
                _dropped++;
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            var text = new StringBuilder(_chars + 64);
            if (_dropped > 0)
            {
                text.Append("... (").Append(_dropped).Append(" earlier lines dropped)\n");
            }

            foreach (var line in _lines)
            {
                text.Append(line).Append('\n');
            }

            return text.ToString();
        }
    }
}
