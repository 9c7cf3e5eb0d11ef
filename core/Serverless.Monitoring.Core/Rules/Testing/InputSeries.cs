namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// One entry of <c>input_series</c>: a series in the usual notation (<c>up{job="a"}</c>) and its
/// values in the expanding notation (<c>1+2x3 _ stale 0x5</c>), one value per interval from time 0.
/// </summary>
public sealed record InputSeries(string Series, string Values);
