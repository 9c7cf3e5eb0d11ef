using System.Globalization;
using Serverless.Monitoring.Core.Text;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>Go's <c>%g</c> formatting of floats, as annotation texts print numbers.</summary>
internal static class GoFloat
{
    /// <summary><c>%g</c> (shortest round-trip digits) or <c>%.Ng</c> with <paramref name="precision"/> significant digits.</summary>
    public static string FormatG(double value, int precision = -1)
    {
        if (precision < 0 || double.IsNaN(value) || double.IsInfinity(value) || value == 0)
        {
            return GoFloatFormatter.Format(value, 'g');
        }

        // "E" gives d.ddd…E+xxx with precision-1 digits after the point, rounded as Go rounds.
        var e = value.ToString("E" + (precision - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var mark = e.IndexOf('E', StringComparison.Ordinal);
        var exponent = int.Parse(e.AsSpan(mark + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= precision)
        {
            var mantissa = TrimZeros(e[..mark]);
            return $"{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
        }

        return TrimZeros(value.ToString("F" + (precision - 1 - exponent).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    private static string TrimZeros(string s) => s.Contains('.', StringComparison.Ordinal) ? s.TrimEnd('0').TrimEnd('.') : s;
}
