using System.Globalization;
using System.Text;

namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// Prometheus's duration syntax (<c>model.ParseDuration</c>): one or more <c>&lt;number&gt;&lt;unit&gt;</c>
/// terms with units <c>y w d h m s ms</c> in that order, each at most once (<c>1h30m</c>, <c>15d</c>,
/// <c>500ms</c>), or a bare <c>0</c>. A year is 365 days, as in Prometheus.
/// </summary>
public static class PrometheusDuration
{
    private static readonly (string Unit, long Milliseconds)[] Units =
    [
        ("y", 365L * 24 * 3600 * 1000),
        ("w", 7L * 24 * 3600 * 1000),
        ("d", 24L * 3600 * 1000),
        ("h", 3600L * 1000),
        ("m", 60L * 1000),
        ("s", 1000L),
        ("ms", 1L),
    ];

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        error = $"not a valid duration string: \"{text}\"";
        if (string.IsNullOrEmpty(text))
        {
            error = "empty duration string";
            return false;
        }

        if (text == "0")
        {
            error = string.Empty;
            return true;
        }

        long total = 0;
        var nextUnit = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || !long.TryParse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            // "ms" before "m": the longest unit that matches here.
            var unit = text.AsSpan(i).StartsWith("ms", StringComparison.Ordinal) ? "ms" : i < text.Length ? text[i].ToString() : string.Empty;
            var index = Array.FindIndex(Units, nextUnit, u => u.Unit == unit);
            if (index < 0)
            {
                return false;
            }

            try
            {
                total = checked(total + checked(number * Units[index].Milliseconds));
            }
            catch (OverflowException)
            {
                error = $"duration out of range: \"{text}\"";
                return false;
            }

            nextUnit = index + 1;
            i += unit.Length;
        }

        if (total > (long)TimeSpan.MaxValue.TotalMilliseconds)
        {
            error = $"duration out of range: \"{text}\"";
            return false;
        }

        value = TimeSpan.FromMilliseconds(total);
        error = string.Empty;
        return true;
    }

    /// <summary>Formats as Prometheus does (<c>model.Duration.String</c>): <c>1h30m</c>, <c>15d</c>, <c>2w</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        if (ms == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (ms < 0)
        {
            sb.Append('-');
            ms = -ms;
        }

        foreach (var (unit, size) in Units)
        {
            // Years and weeks only when they divide the rest exactly, as upstream: 90d, not 12w6d.
            if (ms >= size && (size <= Units[2].Milliseconds || ms % size == 0))
            {
                sb.Append(CultureInfo.InvariantCulture, $"{ms / size}{unit}");
                ms %= size;
            }
        }

        return sb.ToString();
    }
}
