using System.Globalization;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Hashing;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Core.Scraping;

/// <summary>
/// What one target's scrapes turn into, scrape after scrape (Prometheus's <c>scrapeLoop.append</c>
/// and <c>report</c>): the scraped series with the target's labels and <c>metric_relabel_configs</c>
/// applied, the limits checked, staleness markers for series that disappeared, and the synthetic
/// series <c>up</c>, <c>scrape_duration_seconds</c>, <c>scrape_samples_scraped</c>,
/// <c>scrape_samples_post_metric_relabeling</c> and <c>scrape_series_added</c>.
/// <para>
/// A series' final labels are cached by its text as scraped, so a steady target costs a lookup
/// per sample, not a label set. The series of the previous scrape (what staleness needs) can be
/// saved and restored (<see cref="PreviousSeries"/>, <see cref="RestorePreviousSeries"/>), so a
/// new process continues where another stopped. Not thread-safe: one scrape at a time.
/// </para>
/// </summary>
public sealed class ScrapeLoop
{
    private readonly Dictionary<byte[], CachedSeries> _cache = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], CachedSeries>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly Dictionary<byte[], FamilyMetadata> _metadata = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], FamilyMetadata>.AlternateLookup<ReadOnlySpan<byte>> _metadataLookup;
    private readonly LabelSetBuilder _builder = new();
    private readonly List<Label> _conflicts = [];
    private readonly LabelSet[] _reportSeries;
    private readonly LabelStringPool? _strings;
    private HashSet<LabelSet> _previous = [];
    private HashSet<LabelSet> _current = [];
    private long _iteration;

    /// <param name="target">The target this loop scrapes.</param>
    /// <param name="strings">Label strings shared with the other loops of the process, or null for none.</param>
    public ScrapeLoop(ScrapeTarget target, LabelStringPool? strings = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
        _strings = strings;
        _lookup = _cache.GetAlternateLookup<ReadOnlySpan<byte>>();
        _metadataLookup = _metadata.GetAlternateLookup<ReadOnlySpan<byte>>();
        _reportSeries = ReportNames.Select(name => WithTargetLabels(LabelSet.FromStrings(LabelValidation.MetricNameLabel, name), target, honor: false)).ToArray();
    }

    /// <summary>The synthetic series of every scrape, in the order of <see cref="ScrapeReport"/>'s fields.</summary>
    public static IReadOnlyList<string> ReportNames { get; } =
        ["up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added"];

    public ScrapeTarget Target { get; }

    /// <summary>The series of the latest scrape that get a staleness marker when they disappear.</summary>
    public IReadOnlyCollection<LabelSet> PreviousSeries => _previous;

    /// <summary>Sum of the IDs of <see cref="PreviousSeries"/>: tells a caller whether its saved copy is out of date.</summary>
    public ulong PreviousSeriesFingerprint { get; private set; }

    /// <summary>The HELP, TYPE and UNIT of each metric family the target exposed (as <c>/api/v1/metadata</c> reports them).</summary>
    public IReadOnlyList<MetricMetadata> Metadata =>
        _metadataSnapshot ??= _metadata.Values.Select(m => new MetricMetadata(m.Name, m.Type.ToPrometheusName(), m.Help, m.Unit)).OrderBy(m => m.Metric, StringComparer.Ordinal).ToList();

    private IReadOnlyList<MetricMetadata>? _metadataSnapshot;

    /// <summary>Continues from a saved <see cref="PreviousSeries"/> (another process scraped last).</summary>
    public void RestorePreviousSeries(IEnumerable<LabelSet> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        _previous = [.. series];
        PreviousSeriesFingerprint = Fingerprint(_previous);
    }

    /// <summary>
    /// Turns a scrape into samples. <paramref name="failure"/> is why the scrape failed (HTTP error,
    /// timeout), or null when <paramref name="body"/> holds the response. Samples without an
    /// explicit timestamp (or all, when honor_timestamps is false) get <paramref name="scrapeTimeMs"/>.
    /// </summary>
    public ScrapeOutput Append(ReadOnlyMemory<byte> body, string? contentType, long scrapeTimeMs, TimeSpan duration, string? failure)
    {
        _iteration++;
        _current.Clear();
        var series = new List<SeriesSamples>();
        int scraped = 0, added = 0, seriesAdded = 0;
        var error = failure;
        if (error is null)
        {
            error = AppendBody(body, contentType, scrapeTimeMs, series, ref scraped, ref added, ref seriesAdded);
            if (error is not null)
            {
                // As Prometheus: a scrape that breaks a limit or does not parse stores nothing of its own.
                series.Clear();
                _current.Clear();
            }
        }

        foreach (var gone in _previous)
        {
            if (!_current.Contains(gone))
            {
                series.Add(new SeriesSamples(gone, [new Sample(scrapeTimeMs, StaleMarker.Value)]));
            }
        }

        (_previous, _current) = (_current, _previous);
        PreviousSeriesFingerprint = Fingerprint(_previous);
        double[] report = [error is null ? 1 : 0, duration.TotalSeconds, scraped, added, seriesAdded];
        for (var i = 0; i < report.Length; i++)
        {
            series.Add(new SeriesSamples(_reportSeries[i], [new Sample(scrapeTimeMs, report[i])]));
        }

        return new ScrapeOutput(series, new ScrapeReport(error is null, error, scraped, added, seriesAdded, duration));
    }

    /// <summary>The target is gone: staleness markers for its series and its synthetic series.</summary>
    public IReadOnlyList<SeriesSamples> Stop(long timeMs)
    {
        var stale = new List<SeriesSamples>(_previous.Count + _reportSeries.Length);
        foreach (var labels in _previous.Concat(_reportSeries))
        {
            stale.Add(new SeriesSamples(labels, [new Sample(timeMs, StaleMarker.Value)]));
        }

        _previous.Clear();
        PreviousSeriesFingerprint = 0;
        return stale;
    }

    private string? AppendBody(ReadOnlyMemory<byte> body, string? contentType, long scrapeTimeMs, List<SeriesSamples> series, ref int scraped, ref int added, ref int seriesAdded)
    {
        var parser = ExpositionContentType.CreateParser(contentType, body);
        var sampleLimit = Target.Limits.SampleLimit;
        try
        {
            while (parser.Next() != ExpositionEntry.Eof)
            {
                if (parser.Entry != ExpositionEntry.Series)
                {
                    if (parser.Entry is ExpositionEntry.Help or ExpositionEntry.Type or ExpositionEntry.Unit)
                    {
                        RecordMetadata(parser);
                    }

                    continue;
                }

                scraped++;
                if (!_lookup.TryGetValue(parser.Series, out var cached))
                {
                    cached = Resolve(parser);
                    _cache[parser.Series.ToArray()] = cached;
                    seriesAdded += cached.Labels is null ? 0 : 1;
                }

                cached.LastSeen = _iteration;
                if (cached.Labels is not { } labels)
                {
                    continue;
                }

                if (cached.LimitError is { } limitError)
                {
                    return limitError;
                }

                if (++added > sampleLimit && sampleLimit > 0)
                {
                    return "sample limit exceeded";
                }

                long timestamp;
                if (Target.HonorTimestamps && parser.Timestamp is { } explicitTimestamp)
                {
                    // As Prometheus: series with their own timestamps get no staleness markers.
                    timestamp = explicitTimestamp;
                }
                else
                {
                    timestamp = scrapeTimeMs;
                    if (!_current.Add(labels))
                    {
                        continue;
                    }
                }

                series.Add(new SeriesSamples(labels, [new Sample(timestamp, parser.Value)]));
            }
        }
        catch (ExpositionParseException ex)
        {
            return ex.Message;
        }

        EvictUnseen();
        return null;
    }

    /// <summary>Keeps a family's HELP, TYPE or UNIT; strings are built only when a value changes.</summary>
    private void RecordMetadata(ExpositionParser parser)
    {
        if (!_metadataLookup.TryGetValue(parser.RawMetricName, out var family))
        {
            family = new FamilyMetadata(parser.GetMetricName());
            _metadata[parser.RawMetricName.ToArray()] = family;
            _metadataSnapshot = null;
        }

        switch (parser.Entry)
        {
            case ExpositionEntry.Type when family.Type != parser.Type:
                family.Type = parser.Type;
                _metadataSnapshot = null;
                break;
            case ExpositionEntry.Help when !parser.RawHelp.SequenceEqual(family.RawHelp):
                family.RawHelp = parser.RawHelp.ToArray();
                family.Help = parser.GetHelp();
                _metadataSnapshot = null;
                break;
            case ExpositionEntry.Unit when !parser.Unit.SequenceEqual(family.RawUnit):
                family.RawUnit = parser.Unit.ToArray();
                family.Unit = System.Text.Encoding.UTF8.GetString(parser.Unit);
                _metadataSnapshot = null;
                break;
        }
    }

    /// <summary>The final labels of the current series (null when dropped), built once per distinct text.</summary>
    private CachedSeries Resolve(ExpositionParser parser)
    {
        if (!parser.TryGetLabelSet(out var scrapedLabels, out var invalid))
        {
            // Prometheus refuses the whole scrape for a series it cannot label.
            return new CachedSeries(LabelSet.Empty, invalid);
        }

        var labels = WithTargetLabels(scrapedLabels, Target, Target.HonorLabels);
        if (Target.MetricRelabel is { } relabel)
        {
            _builder.Clear();
            foreach (var label in labels)
            {
                _builder.Set(label.Name, label.Value);
            }

            if (!relabel(_builder) || _builder.Count == 0 || !_builder.TryBuild(out labels, out _))
            {
                return new CachedSeries(null, null);
            }
        }

        return new CachedSeries(Pooled(labels), CheckLabelLimits(labels, Target.Limits));
    }

    /// <summary>The same labels with their strings from the shared pool (same names, so same order).</summary>
    private LabelSet Pooled(LabelSet labels)
    {
        if (_strings is null)
        {
            return labels;
        }

        var pooled = new Label[labels.Count];
        for (var i = 0; i < pooled.Length; i++)
        {
            var label = labels[i];
            pooled[i] = new Label(_strings.Get(label.Name), _strings.Get(label.Value));
        }

        return LabelSet.FromCanonical(pooled);
    }

    /// <summary>
    /// Adds the target's labels to a scraped series: with honor_labels the scraped value wins;
    /// otherwise the target's does, and a scraped value it replaces moves to <c>exported_&lt;name&gt;</c>.
    /// </summary>
    private LabelSet WithTargetLabels(LabelSet scraped, ScrapeTarget target, bool honor)
    {
        var builder = scraped.ToBuilder();
        _conflicts.Clear();
        foreach (var label in target.Labels)
        {
            var existing = scraped.Get(label.Name);
            if (honor)
            {
                if (existing.Length == 0)
                {
                    builder.Set(label.Name, label.Value);
                }

                continue;
            }

            if (existing.Length > 0)
            {
                _conflicts.Add(new Label(label.Name, existing));
            }

            builder.Set(label.Name, label.Value);
        }

        // Shorter names first, as Prometheus resolves them, so exported_exported_x follows exported_x.
        foreach (var conflict in _conflicts.OrderBy(c => c.Name.Length))
        {
            var name = conflict.Name;
            do
            {
                name = "exported_" + name;
            }
            while (builder.Get(name).Length > 0);
            builder.Set(name, conflict.Value);
        }

        return builder.Build();
    }

    /// <summary>label_limit, label_name_length_limit, label_value_length_limit, with Prometheus's messages.</summary>
    private static string? CheckLabelLimits(LabelSet labels, ScrapeLimits limits)
    {
        var metric = Truncate(labels.MetricName, 50);
        if (limits.LabelLimit > 0 && labels.Count > limits.LabelLimit)
        {
            return string.Create(CultureInfo.InvariantCulture, $"label_limit exceeded (metric: {metric}, number of labels: {labels.Count}, limit: {limits.LabelLimit})");
        }

        foreach (var label in labels)
        {
            if (limits.LabelNameLengthLimit > 0 && label.Name.Length > limits.LabelNameLengthLimit)
            {
                return string.Create(CultureInfo.InvariantCulture, $"label_name_length_limit exceeded (metric: {metric}, label name: {Truncate(label.Name, 50)}, length: {label.Name.Length}, limit: {limits.LabelNameLengthLimit})");
            }

            if (limits.LabelValueLengthLimit > 0 && label.Value.Length > limits.LabelValueLengthLimit)
            {
                return string.Create(CultureInfo.InvariantCulture, $"label_value_length_limit exceeded (metric: {metric}, label name: {Truncate(label.Name, 50)}, value: {LabelFormatting.GoQuote(Truncate(label.Value, 50))}, length: {label.Value.Length}, limit: {limits.LabelValueLengthLimit})");
            }
        }

        return null;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>Forgets series not seen for a while, so a target whose series churn does not grow the cache forever.</summary>
    private void EvictUnseen()
    {
        if (_cache.Count <= 2 * Math.Max(_previous.Count, 64) || _iteration % 10 != 0)
        {
            return;
        }

        var stale = _cache.Where(e => _iteration - e.Value.LastSeen > 10).Select(e => e.Key).ToList();
        foreach (var key in stale)
        {
            _cache.Remove(key);
        }
    }

    private static ulong Fingerprint(HashSet<LabelSet> series)
    {
        var sum = (ulong)series.Count;
        foreach (var labels in series)
        {
            sum += labels.Id.Value;
        }

        return sum;
    }

    private sealed class FamilyMetadata(string name)
    {
        public string Name { get; } = name;

        public MetricFamilyType Type { get; set; }

        public byte[] RawHelp { get; set; } = [];

        public string Help { get; set; } = string.Empty;

        public byte[] RawUnit { get; set; } = [];

        public string Unit { get; set; } = string.Empty;
    }

    private sealed class CachedSeries(LabelSet? labels, string? limitError)
    {
        public LabelSet? Labels { get; } = labels;

        public string? LimitError { get; } = limitError;

        public long LastSeen { get; set; }
    }
}

/// <summary>A metric family's metadata as a target exposed it (<c>type</c> as Prometheus names it).</summary>
public sealed record MetricMetadata(string Metric, string Type, string Help, string Unit);

/// <summary>One scrape's samples (scraped, stale markers and synthetic series) and its outcome.</summary>
public sealed record ScrapeOutput(IReadOnlyList<SeriesSamples> Series, ScrapeReport Report);

/// <summary>How a scrape went, as <c>/api/v1/targets</c> and the synthetic series report it.</summary>
public sealed record ScrapeReport(bool Up, string? Error, int SamplesScraped, int SamplesPostMetricRelabeling, int SeriesAdded, TimeSpan Duration);
