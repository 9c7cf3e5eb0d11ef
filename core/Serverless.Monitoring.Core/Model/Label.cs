namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// One label: a name and a value. An empty value means the label is absent, so
/// <see cref="LabelSet"/> drops such labels instead of storing them.
/// </summary>
public readonly record struct Label(string Name, string Value)
{
    /// <summary>Formats as <c>name="value"</c>, quoted the way <see cref="LabelSet.ToString"/> does.</summary>
    public override string ToString() => LabelFormatting.Format(this);
}
