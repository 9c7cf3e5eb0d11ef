using System.Text;

namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// Label and metric name rules as in Prometheus 3: under UTF-8 validation any non-empty valid
/// UTF-8 name is allowed (names starting with <c>__</c> are reserved for internal use but
/// allowed); the legacy scheme additionally requires <c>[a-zA-Z_][a-zA-Z0-9_]*</c> for label
/// names and <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c> for metric names. Values may be any valid UTF-8.
/// The reason texts are those Prometheus gives.
/// </summary>
public static class LabelValidation
{
    /// <summary>The label that holds the metric name.</summary>
    public const string MetricNameLabel = "__name__";

    /// <summary>Prefix of names reserved for internal use (allowed, not user-facing).</summary>
    public const string ReservedPrefix = "__";

    /// <summary>True when <paramref name="name"/> is a valid label name under UTF-8 validation.</summary>
    public static bool IsValidLabelName(string name) => name.Length > 0 && IsValidUtf8(name);

    /// <summary>True when <paramref name="value"/> is a valid label value (any valid UTF-8).</summary>
    public static bool IsValidLabelValue(string value) => IsValidUtf8(value);

    /// <summary>True when <paramref name="name"/> is a valid metric name under UTF-8 validation.</summary>
    public static bool IsValidMetricName(string name) => name.Length > 0 && IsValidUtf8(name);

    /// <summary>True when <paramref name="name"/> matches <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static bool IsValidLegacyLabelName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = char.IsAsciiLetter(c) || c == '_' || (i > 0 && char.IsAsciiDigit(c));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="name"/> matches <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    public static bool IsValidLegacyMetricName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = char.IsAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && char.IsAsciiDigit(c));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="name"/> starts with <c>__</c>.</summary>
    public static bool IsReserved(string name) => name.StartsWith(ReservedPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Checks a label set against the legacy (pre-UTF-8) scheme, as a scrape with legacy
    /// validation does. Returns <c>null</c> when valid, otherwise Prometheus's reason.
    /// </summary>
    public static string? ValidateLegacy(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var label in labels.AsSpan())
        {
            if (label.Name == MetricNameLabel && !IsValidLegacyMetricName(label.Value))
            {
                return InvalidMetricName(label.Value);
            }

            if (!IsValidLegacyLabelName(label.Name))
            {
                return InvalidLabelName(label.Name);
            }
        }

        return null;
    }

    /// <summary>True when the UTF-16 string has no unpaired surrogate, i.e. converts to valid UTF-8.</summary>
    public static bool IsValidUtf8(ReadOnlySpan<char> s)
    {
        // Almost all label text is ASCII; the vectorized check settles it without the loop.
        if (Ascii.IsValid(s))
        {
            return true;
        }

        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (!char.IsHighSurrogate(c) || i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]))
            {
                return false;
            }

            i++;
        }

        return true;
    }

    // Reason texts as Prometheus words them (storage/remote validation and the TSDB head).
    internal static string InvalidLabelName(string name) => $"invalid label name: {name}";

    internal static string InvalidLabelValue(string value) => $"invalid label value: {value}";

    internal static string InvalidMetricName(string name) => $"invalid metric name: {name}";

    internal static string DuplicateLabelName(string name) => $"label name \"{name}\" is not unique";
}
