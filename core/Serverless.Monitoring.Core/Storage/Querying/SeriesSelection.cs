namespace Serverless.Monitoring.Core.Storage.Querying;

/// <summary>The result of <see cref="Querier.SelectAsync"/>: series sorted by labels, and what was skipped.</summary>
public sealed record SeriesSelection(IReadOnlyList<StoredSeries> Series, QueryWarnings Warnings);
