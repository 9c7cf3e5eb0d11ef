using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Storage;

/// <summary>
/// A unit of ingestion: samples of many series, in any order across series and, within a
/// series, possibly out of order or repeated (a retried delivery). <see cref="BatchId"/> makes
/// ingestion idempotent: the same ID ingested twice stores the samples once.
/// </summary>
public sealed record SampleBatch(string BatchId, IReadOnlyList<SeriesSamples> Series);

/// <summary>The samples of one series in a <see cref="SampleBatch"/>.</summary>
public sealed record SeriesSamples(LabelSet Labels, IReadOnlyList<Sample> Samples);
