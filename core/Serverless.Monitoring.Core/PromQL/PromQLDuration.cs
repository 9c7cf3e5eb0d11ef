using System.Diagnostics.CodeAnalysis;

namespace Serverless.Monitoring.Core.PromQL;

/// <summary>Prometheus's <c>model.ParseDuration</c>: <c>[0-9]+(y|w|d|h|m|s|ms)</c> runs, units strictly from largest to smallest.</summary>
public static class PromQLDuration
{
    private const long NanosPerMs = 1_000_000;

    /// <summary>Parses <paramref name="s"/>; on failure <paramref name="error"/> is upstream's text.</summary>
    public static bool TryParse(string s, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(s);
        duration = TimeSpan.Zero;
        error = null;
        if (s == "0")
        {
            return true;
        }

        if (s.Length == 0)
        {
            error = "empty duration string";
            return false;
        }

        ulong totalNs = 0;
        var lastUnit = 0;
        var i = 0;
        while (i < s.Length)
        {
            if (!Lexer.IsDigit(s[i]))
            {
                error = $"not a valid duration string: {Printer.GoQuote(s)}";
                return false;
            }

            var startDigits = i;
            while (i < s.Length && Lexer.IsDigit(s[i]))
            {
                i++;
            }

            if (!ulong.TryParse(s.AsSpan(startDigits, i - startDigits), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
            {
                error = $"not a valid duration string: {Printer.GoQuote(s)}";
                return false;
            }

            var startUnit = i;
            while (i < s.Length && !Lexer.IsDigit(s[i]))
            {
                i++;
            }

            if (i == startUnit)
            {
                error = $"not a valid duration string: {Printer.GoQuote(s)}";
                return false;
            }

            var unit = s[startUnit..i];
            (int pos, ulong multNs) = unit switch
            {
                "y" => (1, 365UL * 24 * 3600 * 1_000_000_000),
                "w" => (2, 7UL * 24 * 3600 * 1_000_000_000),
                "d" => (3, 24UL * 3600 * 1_000_000_000),
                "h" => (4, 3600UL * 1_000_000_000),
                "m" => (5, 60UL * 1_000_000_000),
                "s" => (6, 1_000_000_000UL),
                "ms" => (7, 1_000_000UL),
                _ => (0, 0UL),
            };
            if (pos == 0)
            {
                error = $"unknown unit {Printer.GoQuote(unit)} in duration {Printer.GoQuote(s)}";
                return false;
            }

            if (pos <= lastUnit)
            {
                error = $"not a valid duration string: {Printer.GoQuote(s)}";
                return false;
            }

            lastUnit = pos;
            if (v > (1UL << 63) / multNs)
            {
                error = "duration out of range";
                return false;
            }

            totalNs += v * multNs;
            if (totalNs > long.MaxValue)
            {
                error = "duration out of range";
                return false;
            }
        }

        duration = TimeSpan.FromMilliseconds((long)(totalNs / NanosPerMs));
        return true;
    }
}
