using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Monitoring.Core.Model;

/// <summary>How a <see cref="LabelMatcher"/> compares a label's value.</summary>
public enum LabelMatchType
{
    /// <summary><c>name="value"</c></summary>
    Equal,

    /// <summary><c>name!="value"</c></summary>
    NotEqual,

    /// <summary><c>name=~"regex"</c></summary>
    RegexMatch,

    /// <summary><c>name!~"regex"</c></summary>
    RegexNoMatch,
}

/// <summary>
/// One selector condition on a label, with Prometheus's semantics: a series without the label
/// is treated as having the empty value, so <c>foo=""</c> selects series without <c>foo</c> and
/// <c>foo!=""</c> those with it; regular expressions are fully anchored (<c>^(?:re)$</c>) and
/// <c>.</c> matches newlines too, as in Prometheus 3. Regexes run on .NET's non-backtracking
/// engine, so matching time is linear in the value's length (like Go's RE2), and constructs RE2
/// rejects (backreferences, lookarounds) are rejected here as well.
/// </summary>
public sealed class LabelMatcher : IEquatable<LabelMatcher>
{
    private readonly Regex? _regex;
    private readonly RegexShortcut _shortcut;

    private LabelMatcher(LabelMatchType type, string name, string value)
    {
        Type = type;
        Name = name;
        Value = value;
        if (type is LabelMatchType.RegexMatch or LabelMatchType.RegexNoMatch)
        {
            _shortcut = value switch
            {
                ".*" => RegexShortcut.Any,
                ".+" => RegexShortcut.NonEmpty,
                _ => RegexShortcut.None,
            };
            if (_shortcut == RegexShortcut.None)
            {
                _regex = Compile(value);
            }
        }

        MatchesEmpty = Matches(string.Empty);
    }

    /// <summary>The comparison.</summary>
    public LabelMatchType Type { get; }

    /// <summary>The label name.</summary>
    public string Name { get; }

    /// <summary>The value or regular expression to compare with.</summary>
    public string Value { get; }

    /// <summary>
    /// True when a series without the label (value "") satisfies the matcher; such matchers
    /// select by exclusion, the others by inclusion.
    /// </summary>
    public bool MatchesEmpty { get; }

    /// <summary>Creates a matcher.</summary>
    /// <exception cref="ArgumentException">The name is empty, or the regular expression does not parse.</exception>
    public static LabelMatcher Create(LabelMatchType type, string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "unknown match type");
        }

        return new LabelMatcher(type, name, value);
    }

    /// <summary><c>name="value"</c></summary>
    public static LabelMatcher Equal(string name, string value) => Create(LabelMatchType.Equal, name, value);

    /// <summary><c>name!="value"</c></summary>
    public static LabelMatcher NotEqual(string name, string value) => Create(LabelMatchType.NotEqual, name, value);

    /// <summary><c>name=~"regex"</c></summary>
    public static LabelMatcher RegexMatch(string name, string regex) => Create(LabelMatchType.RegexMatch, name, regex);

    /// <summary><c>name!~"regex"</c></summary>
    public static LabelMatcher RegexNoMatch(string name, string regex) => Create(LabelMatchType.RegexNoMatch, name, regex);

    /// <summary>True when a label value (the empty string for an absent label) satisfies the matcher.</summary>
    public bool Matches(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Type switch
        {
            LabelMatchType.Equal => string.Equals(value, Value, StringComparison.Ordinal),
            LabelMatchType.NotEqual => !string.Equals(value, Value, StringComparison.Ordinal),
            LabelMatchType.RegexMatch => RegexMatches(value),
            _ => !RegexMatches(value),
        };
    }

    /// <summary>True when <paramref name="labels"/> satisfies the matcher.</summary>
    public bool Matches(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return Matches(labels.Get(Name));
    }

    public bool Equals(LabelMatcher? other) =>
        other is not null
        && Type == other.Type
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as LabelMatcher);

    public override int GetHashCode() => HashCode.Combine(Type, Name, Value);

    /// <summary>PromQL's form, e.g. <c>job=~"api|web"</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (LabelValidation.IsValidLegacyLabelName(Name))
        {
            sb.Append(Name);
        }
        else
        {
            LabelFormatting.AppendGoQuoted(sb, Name);
        }

        sb.Append(Type switch
        {
            LabelMatchType.Equal => "=",
            LabelMatchType.NotEqual => "!=",
            LabelMatchType.RegexMatch => "=~",
            _ => "!~",
        });
        LabelFormatting.AppendGoQuoted(sb, Value);
        return sb.ToString();
    }

    private bool RegexMatches(string value) => _shortcut switch
    {
        RegexShortcut.Any => true,
        RegexShortcut.NonEmpty => value.Length > 0,
        _ => _regex!.IsMatch(value),
    };

    private static Regex Compile(string pattern)
    {
        try
        {
            // \z rather than $: .NET's $ also matches before a final newline.
            return new Regex(
                "^(?:" + pattern + @")\z",
                RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException ex)
        {
            throw new ArgumentException($"unsupported regular expression {pattern}: {ex.Message}", nameof(pattern), ex);
        }
    }

    private enum RegexShortcut
    {
        None,
        Any,
        NonEmpty,
    }
}
