namespace Serverless.Monitoring.Core.PromQL;

/// <summary>A half-open range of character offsets into the query text.</summary>
public readonly record struct PositionRange(int Start, int End)
{
    /// <summary>"line:col" of <see cref="Start"/> in <paramref name="input"/> (both 1-based), as upstream prints it.</summary>
    public string StartPosition(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var pos = Math.Clamp(Start, 0, input.Length);
        var line = 1;
        var lastBreak = -1;
        for (var i = 0; i < pos; i++)
        {
            if (input[i] == '\n')
            {
                line++;
                lastBreak = i;
            }
        }

        return $"{line}:{pos - lastBreak}";
    }
}
