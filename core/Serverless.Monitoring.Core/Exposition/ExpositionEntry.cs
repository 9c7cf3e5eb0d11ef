namespace Serverless.Monitoring.Core.Exposition;

/// <summary>What <see cref="ExpositionParser.Next"/> found (Prometheus's <c>textparse.Entry</c>).</summary>
public enum ExpositionEntry
{
    /// <summary>A sample line: metric name, labels, value, optional timestamp (and in OpenMetrics an optional exemplar).</summary>
    Series,

    /// <summary>A <c># HELP name text</c> line.</summary>
    Help,

    /// <summary>A <c># TYPE name type</c> line.</summary>
    Type,

    /// <summary>An OpenMetrics <c># UNIT name unit</c> line.</summary>
    Unit,

    /// <summary>Any other comment line (text format 0.0.4 only; OpenMetrics has none).</summary>
    Comment,

    /// <summary>The end of the input (in OpenMetrics, the <c># EOF</c> line with nothing after it).</summary>
    Eof,
}
