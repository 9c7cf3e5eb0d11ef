using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>One sample of an instant-query result: its labels and value.</summary>
/// <param name="Labels">The series' labels (the metric name included when the result keeps it).</param>
/// <param name="Value">The value.</param>
public readonly record struct QuerySample(LabelSet Labels, double Value);

/// <summary>
/// Runs an instant PromQL query for the template function <c>query</c> and returns the vector
/// (a scalar result as one sample without labels, as Prometheus's rule engine does; other result
/// types are an error). An exception becomes the function's error: <c>error calling query: …</c>.
/// </summary>
/// <param name="query">The PromQL text.</param>
/// <param name="timestampMs">The evaluation time, in milliseconds since the epoch.</param>
public delegate IReadOnlyList<QuerySample> TemplateQueryFunc(string query, long timestampMs);

/// <summary>
/// What Prometheus's template functions need besides their arguments: the query function, the
/// evaluation time (for <c>query</c> and <c>now</c>) and the external URL (for
/// <c>externalURL</c> and <c>pathPrefix</c>). Handed to <see cref="Template.Execute(object?, object?)"/>
/// as the state.
/// </summary>
public sealed class PrometheusTemplateState
{
    /// <summary>The query function; without one, <c>query</c> fails.</summary>
    public TemplateQueryFunc? Query { get; init; }

    /// <summary>The evaluation time, in milliseconds since the epoch.</summary>
    public long TimestampMs { get; init; }

    /// <summary>The external URL (<c>--web.external-url</c>); without one, <c>externalURL</c> and <c>pathPrefix</c> fail as Go's nil pointer would.</summary>
    public string? ExternalUrl { get; init; }
}

/// <summary>
/// Prometheus's <c>*template.sample</c>: what <c>query</c> results hold and <c>first</c> returns,
/// with fields <c>Labels</c> (a <c>map[string]string</c>) and <c>Value</c>.
/// </summary>
public sealed class TemplateSample : GoStruct
{
    private static readonly string[] Names = ["Labels", "Value"];

    /// <summary>Creates the sample.</summary>
    public TemplateSample(LabelSet labels, double value)
    {
        ArgumentNullException.ThrowIfNull(labels);
        LabelSet = labels;
        Labels = GoMap.FromLabels(labels);
        Value = value;
    }

    /// <summary><c>template.sample</c>.</summary>
    public static GoType SampleType { get; } = new("template.sample", GoKind.Struct);

    /// <summary><c>*template.sample</c>.</summary>
    public static GoType SamplePointerType { get; } = new("*template.sample", GoKind.Pointer, SampleType);

    /// <summary><c>template.queryResult</c>, a slice of samples.</summary>
    public static GoType QueryResultType { get; } = new("template.queryResult", GoKind.Slice, SamplePointerType);

    public override GoType Type => SamplePointerType;

    /// <summary>The labels as a set.</summary>
    public LabelSet LabelSet { get; }

    /// <summary>The labels as the template sees them.</summary>
    public GoMap Labels { get; }

    /// <summary>The value.</summary>
    public double Value { get; }

    public override IReadOnlyList<string> FieldNames => Names;

    public override object? GetField(int index) => index == 0 ? Labels : Value;

    public override bool TryGetField(string name, out object? value)
    {
        switch (name)
        {
            case "Labels":
                value = Labels;
                return true;
            case "Value":
                value = Value;
                return true;
            default:
                value = null;
                return false;
        }
    }
}

/// <summary>
/// The data alerting-rule templates run over, Prometheus's <c>AlertTemplateData</c>: a struct with
/// <c>Labels</c>, <c>ExternalLabels</c>, <c>ExternalURL</c> and <c>Value</c> (a float64), which
/// the prelude binds to <c>$labels</c>, <c>$externalLabels</c>, <c>$externalURL</c> and <c>$value</c>.
/// </summary>
public sealed class AlertTemplateData : GoStruct
{
    private static readonly string[] Names = ["Labels", "ExternalLabels", "ExternalURL", "Value"];
    private readonly GoMap _labels;
    private readonly GoMap _externalLabels;

    /// <summary>Creates the data.</summary>
    /// <param name="labels">The alert's labels (the sample's, as the rule's expression returned them).</param>
    /// <param name="externalLabels">The configured external labels.</param>
    /// <param name="externalUrl">The external URL as a string.</param>
    /// <param name="value">The sample's value.</param>
    public AlertTemplateData(LabelSet labels, LabelSet externalLabels, string externalUrl, double value)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(externalLabels);
        ArgumentNullException.ThrowIfNull(externalUrl);
        _labels = GoMap.FromLabels(labels);
        _externalLabels = GoMap.FromLabels(externalLabels);
        ExternalUrl = externalUrl;
        Value = value;
    }

    /// <summary>The anonymous struct type, named as Go prints it.</summary>
    public static GoType DataType { get; } =
        new("struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }", GoKind.Struct);

    public override GoType Type => DataType;

    /// <summary>The external URL.</summary>
    public string ExternalUrl { get; }

    /// <summary>The value.</summary>
    public double Value { get; }

    public override IReadOnlyList<string> FieldNames => Names;

    public override object? GetField(int index) => index switch
    {
        0 => _labels,
        1 => _externalLabels,
        2 => ExternalUrl,
        _ => Value,
    };

    public override bool TryGetField(string name, out object? value)
    {
        var i = Array.IndexOf(Names, name);
        value = i >= 0 ? GetField(i) : null;
        return i >= 0;
    }
}
