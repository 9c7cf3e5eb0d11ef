using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// Mutable staging for a <see cref="LabelSet"/>, for code that edits several labels in a row
/// (relabeling, target labels). Keeps its labels sorted and unique as it goes, so
/// <see cref="Build"/> only validates.
/// </summary>
public sealed class LabelSetBuilder
{
    private readonly List<Label> _labels;

    /// <summary>Starts empty.</summary>
    public LabelSetBuilder()
    {
        _labels = [];
    }

    /// <summary>Starts from <paramref name="initial"/>.</summary>
    public LabelSetBuilder(LabelSet initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _labels = new List<Label>(initial.Count + 4);
        _labels.AddRange(initial);
    }

    /// <summary>Number of labels currently staged.</summary>
    public int Count => _labels.Count;

    /// <summary>The staged value of <paramref name="name"/>, or the empty string.</summary>
    public string Get(string name)
    {
        var i = IndexOf(name);
        return i >= 0 ? _labels[i].Value : string.Empty;
    }

    /// <summary>Sets label <paramref name="name"/>; an empty <paramref name="value"/> removes it.</summary>
    public LabelSetBuilder Set(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        var i = IndexOf(name);
        if (string.IsNullOrEmpty(value))
        {
            if (i >= 0)
            {
                _labels.RemoveAt(i);
            }
        }
        else if (i >= 0)
        {
            _labels[i] = new Label(name, value);
        }
        else
        {
            _labels.Insert(~i, new Label(name, value));
        }

        return this;
    }

    /// <summary>Removes the named labels.</summary>
    public LabelSetBuilder Delete(params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            var i = IndexOf(name);
            if (i >= 0)
            {
                _labels.RemoveAt(i);
            }
        }

        return this;
    }

    /// <summary>Removes every label whose name is not in <paramref name="names"/>.</summary>
    public LabelSetBuilder Keep(params ReadOnlySpan<string> names)
    {
        for (var i = _labels.Count - 1; i >= 0; i--)
        {
            if (!names.Contains(_labels[i].Name))
            {
                _labels.RemoveAt(i);
            }
        }

        return this;
    }

    /// <summary>Removes every label, keeping the capacity for reuse.</summary>
    public LabelSetBuilder Clear()
    {
        _labels.Clear();
        return this;
    }

    /// <summary>Builds the set; throws <see cref="InvalidLabelsException"/> when a name or value is invalid.</summary>
    public LabelSet Build() =>
        TryBuild(out var set, out var error) ? set : throw new InvalidLabelsException(error);

    /// <summary>Builds the set, or gives Prometheus's reason why not.</summary>
    public bool TryBuild([NotNullWhen(true)] out LabelSet? set, [NotNullWhen(false)] out string? error) =>
        LabelSet.TryCreate(CollectionsMarshal.AsSpan(_labels), out set, out error);

    /// <summary>The staged labels in canonical order; valid until the next edit.</summary>
    internal ReadOnlySpan<Label> AsSpan() => CollectionsMarshal.AsSpan(_labels);

    private int IndexOf(string name) => LabelSet.IndexOfName(CollectionsMarshal.AsSpan(_labels), name);
}
