namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// An exemplar: a sample of a trace (its labels, e.g. <c>trace_id</c>) attached to a sample,
/// with its own value and optional timestamp in milliseconds (Prometheus's <c>exemplar.Exemplar</c>).
/// </summary>
public readonly record struct Exemplar(LabelSet Labels, double Value, long? TimestampMs);
