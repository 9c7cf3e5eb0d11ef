using System.Globalization;

namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// Prometheus's byte sizes (<c>--storage.tsdb.retention.size=512MB</c>): a whole number and one of
/// <c>B KB MB GB TB PB EB</c>, powers of 1024 (Prometheus's <c>units.Base2Bytes</c>), or a bare <c>0</c>.
/// </summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"];

    public static long Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    public static bool TryParse(string? text, out long value, out string error)
    {
        value = 0;
        error = $"not a valid byte size: \"{text}\" (expected a number and one of {string.Join(", ", Units)})";
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var unit = text[digits..];
        if (unit.Length == 0 && number == 0)
        {
            error = string.Empty;
            return true;
        }

        var power = Array.IndexOf(Units, unit);
        if (power < 0)
        {
            return false;
        }

        try
        {
            value = checked(number * (1L << (10 * power)));
        }
        catch (OverflowException)
        {
            error = $"byte size out of range: \"{text}\"";
            return false;
        }

        error = string.Empty;
        return true;
    }
}
