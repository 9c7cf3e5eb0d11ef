namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// One entry of <c>exp_samples</c>: the series in the usual notation (<c>up{job="a"}</c>, or
/// <c>{}</c> for a scalar), parsed when the test runs, and its value (compared exactly: NaN never matches, as upstream).
/// </summary>
public sealed record ExpectedSample(string Labels, double Value);
