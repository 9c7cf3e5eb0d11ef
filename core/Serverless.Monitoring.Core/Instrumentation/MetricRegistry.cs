using System.Buffers;

namespace Serverless.Monitoring.Core.Instrumentation;

/// <summary>
/// The metrics a process exposes. Creating a metric whose name is taken returns the existing
/// one when its type, help, label names (and buckets) match, and throws otherwise, so
/// components may register idempotently. Families are written sorted by name.
/// </summary>
public sealed class MetricRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Metric> _byName = new(StringComparer.Ordinal);
    private Metric[] _sorted = [];
    private Action[] _beforeCollect = [];

    public Counter CreateCounter(string name, string help, params ReadOnlySpan<string> labelNames)
    {
        var family = Describe(name, help, labelNames, reservedLabel: null);
        return GetOrAdd(family, MetricType.Counter, static f => new Counter(f), upperBounds: null);
    }

    public Gauge CreateGauge(string name, string help, params ReadOnlySpan<string> labelNames)
    {
        var family = Describe(name, help, labelNames, reservedLabel: null);
        return GetOrAdd(family, MetricType.Gauge, static f => new Gauge(f), upperBounds: null);
    }

    /// <summary>
    /// Creates a histogram with the given finite, strictly increasing bucket upper bounds
    /// (empty: <see cref="Histogram.DefaultBuckets"/>; a trailing <c>+Inf</c> is implied and may be omitted).
    /// </summary>
    public Histogram CreateHistogram(string name, string help, ReadOnlySpan<double> upperBounds, params ReadOnlySpan<string> labelNames)
    {
        var family = Describe(name, help, labelNames, reservedLabel: "le");
        var bounds = ValidateBuckets(name, upperBounds.IsEmpty ? Histogram.DefaultBuckets : upperBounds);
        return GetOrAdd(family, MetricType.Histogram, f => new Histogram(f, bounds), bounds);
    }

    /// <summary>
    /// Registers a callback run at the start of every collection, for metrics that mirror a value
    /// read from elsewhere (process and runtime statistics). It must be fast and must not throw.
    /// </summary>
    public void AddBeforeCollect(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            _beforeCollect = [.. _beforeCollect, callback];
        }
    }

    /// <summary>Runs the before-collect callbacks and writes every family in the text format 0.0.4.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        var writer = new TextExpositionWriter(output);
        foreach (var callback in Volatile.Read(ref _beforeCollect))
        {
            callback();
        }

        foreach (var metric in Volatile.Read(ref _sorted))
        {
            metric.WriteFamily(writer);
        }
    }

    private T GetOrAdd<T>(MetricFamilyInfo family, MetricType type, Func<MetricFamilyInfo, T> create, double[]? upperBounds)
        where T : Metric
    {
        lock (_gate)
        {
            if (_byName.TryGetValue(family.Name, out var existing))
            {
                if (existing is T same
                    && same.Help == family.Help
                    && same.LabelNames.SequenceEqual(family.LabelNames)
                    && (upperBounds is null || (same is Histogram h && h.UpperBounds.SequenceEqual(upperBounds))))
                {
                    return same;
                }

                throw new ArgumentException(
                    $"Metric '{family.Name}' is already registered as a {existing.Type} with other help, labels or buckets than this {type}.");
            }

            var metric = create(family);
            _byName.Add(family.Name, metric);
            var sorted = new Metric[_sorted.Length + 1];
            _sorted.CopyTo(sorted, 0);
            sorted[^1] = metric;
            Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            Volatile.Write(ref _sorted, sorted);
            return metric;
        }
    }

    private static MetricFamilyInfo Describe(string name, string help, ReadOnlySpan<string> labelNames, string? reservedLabel)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(help);
        if (!IsValidName(name, allowColon: true))
        {
            throw new ArgumentException($"'{name}' is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).", nameof(name));
        }

        var names = labelNames.ToArray();
        for (var i = 0; i < names.Length; i++)
        {
            var label = names[i];
            if (label is null || !IsValidName(label, allowColon: false) || label.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Metric '{name}': '{label}' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __).",
                    nameof(labelNames));
            }

            if (label == reservedLabel)
            {
                throw new ArgumentException($"Metric '{name}': the label name '{label}' is reserved.", nameof(labelNames));
            }

            if (Array.IndexOf(names, label, 0, i) >= 0)
            {
                throw new ArgumentException($"Metric '{name}': the label name '{label}' is repeated.", nameof(labelNames));
            }
        }

        return new MetricFamilyInfo(name, help, names);
    }

    private static double[] ValidateBuckets(string name, ReadOnlySpan<double> upperBounds)
    {
        if (!upperBounds.IsEmpty && double.IsPositiveInfinity(upperBounds[^1]))
        {
            upperBounds = upperBounds[..^1];
        }

        for (var i = 0; i < upperBounds.Length; i++)
        {
            if (!double.IsFinite(upperBounds[i]) || (i > 0 && upperBounds[i] <= upperBounds[i - 1]))
            {
                throw new ArgumentException(
                    $"Histogram '{name}': bucket upper bounds must be finite and strictly increasing.",
                    nameof(upperBounds));
            }
        }

        return upperBounds.ToArray();
    }

    private static bool IsValidName(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var ok = char.IsAsciiLetter(c) || c == '_' || (allowColon && c == ':') || (i > 0 && char.IsAsciiDigit(c));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
