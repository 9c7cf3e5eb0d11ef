using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Relabeling;

/// <summary>
/// Applies relabeling rules in order, as upstream's <c>relabel.ProcessBuilder</c>. A label set
/// that no rule changes comes back as the same instance, without a copy.
/// </summary>
public static class Relabeler
{
    /// <summary>
    /// Relabels <paramref name="labels"/>; null when a rule drops it. Throws
    /// <see cref="InvalidLabelsException"/> only if a rule produced an invalid value.
    /// </summary>
    public static LabelSet? Process(LabelSet labels, IReadOnlyList<RelabelConfig> rules)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.Count == 0)
        {
            return labels;
        }

        var work = new Workspace(labels, null);
        for (var i = 0; i < rules.Count; i++)
        {
            if (!Apply(rules[i], ref work))
            {
                return null;
            }
        }

        return work.Builder is null ? labels : work.Builder.Build();
    }

    /// <summary>Relabels <paramref name="builder"/> in place; false when a rule drops the set.</summary>
    public static bool Process(LabelSetBuilder builder, IReadOnlyList<RelabelConfig> rules)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(rules);
        var work = new Workspace(null, builder);
        for (var i = 0; i < rules.Count; i++)
        {
            if (!Apply(rules[i], ref work))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Upstream's hashmod: MD5 of <paramref name="value"/>, last 8 bytes big-endian, modulo <paramref name="modulus"/>.</summary>
    public static ulong HashMod(string value, ulong modulus)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfZero(modulus);
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var bytes = max <= 512 ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var n = Encoding.UTF8.GetBytes(value, bytes);
            Span<byte> hash = stackalloc byte[16];
#pragma warning disable CA5351 // Not for security: MD5 is what Prometheus hashes with, and shards must agree with it.
            MD5.HashData(bytes[..n], hash);
#pragma warning restore CA5351
            return BinaryPrimitives.ReadUInt64BigEndian(hash[8..]) % modulus;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool Apply(RelabelConfig rule, ref Workspace work)
    {
        var value = JoinSources(rule, ref work);
        switch (rule.Action)
        {
            case RelabelAction.Drop:
                return !rule.Regex.IsMatch(value);
            case RelabelAction.Keep:
                return rule.Regex.IsMatch(value);
            case RelabelAction.DropEqual:
                return !string.Equals(work.Get(rule.TargetLabel), value, StringComparison.Ordinal);
            case RelabelAction.KeepEqual:
                return string.Equals(work.Get(rule.TargetLabel), value, StringComparison.Ordinal);
            case RelabelAction.Replace:
                Replace(rule, value, ref work);
                return true;
            case RelabelAction.Lowercase:
                work.Set(rule.TargetLabel, value.ToLowerInvariant());
                return true;
            case RelabelAction.Uppercase:
                work.Set(rule.TargetLabel, value.ToUpperInvariant());
                return true;
            case RelabelAction.HashMod:
                work.Set(rule.TargetLabel, HashMod(value, rule.Modulus).ToString(CultureInfo.InvariantCulture));
                return true;
            case RelabelAction.LabelMap:
            case RelabelAction.LabelDrop:
            case RelabelAction.LabelKeep:
                EditNames(rule, ref work);
                return true;
            default:
                throw new InvalidOperationException($"relabel: unknown relabel action type {rule.Action}");
        }
    }

    private static void Replace(RelabelConfig rule, string value, ref Workspace work)
    {
        // Upstream's fast path: nothing to match, a constant target and replacement.
        if (value.Length == 0 && ReferenceEquals(rule.Regex, RelabelRegex.Default)
            && !rule.TargetLabel.Contains('$', StringComparison.Ordinal)
            && !rule.Replacement.Contains('$', StringComparison.Ordinal))
        {
            work.Set(rule.TargetLabel, rule.Replacement);
            return;
        }

        // The common copy (source to target with the default regex and $1): no Match needed.
        if (ReferenceEquals(rule.Regex, RelabelRegex.Default) && rule.Replacement is "$1" or "${1}"
            && !rule.TargetLabel.Contains('$', StringComparison.Ordinal))
        {
            if (rule.NameValidation.IsValidLabelName(rule.TargetLabel))
            {
                work.Set(rule.TargetLabel, value);
            }

            return;
        }

        var match = rule.Regex.Match(value);
        if (match is null)
        {
            return;
        }

        var target = rule.Regex.Expand(rule.TargetLabel, match);
        if (!rule.NameValidation.IsValidLabelName(target))
        {
            return;
        }

        // Set with an empty value deletes, as upstream does for an empty result.
        work.Set(target, rule.Regex.Expand(rule.Replacement, match));
    }

    private static void EditNames(RelabelConfig rule, ref Workspace work)
    {
        // Iterate over a snapshot: the edits below change the set.
        var current = work.Current;
        var snapshot = ArrayPool<Label>.Shared.Rent(current.Length);
        current.CopyTo(snapshot);
        try
        {
            for (var i = 0; i < current.Length; i++)
            {
                var label = snapshot[i];
                switch (rule.Action)
                {
                    case RelabelAction.LabelDrop when rule.Regex.IsMatch(label.Name):
                    case RelabelAction.LabelKeep when !rule.Regex.IsMatch(label.Name):
                        work.Delete(label.Name);
                        break;
                    case RelabelAction.LabelMap:
                        if (rule.Regex.Match(label.Name) is { } match)
                        {
                            // Upstream does not check the new name; an empty or invalid one cannot
                            // be kept in a LabelSet, so it is skipped.
                            var name = rule.Regex.Expand(rule.Replacement, match);
                            if (LabelValidation.IsValidLabelName(name))
                            {
                                work.Set(name, label.Value);
                            }
                        }

                        break;
                }
            }
        }
        finally
        {
            ArrayPool<Label>.Shared.Return(snapshot, clearArray: true);
        }
    }

    private static string JoinSources(RelabelConfig rule, ref Workspace work)
    {
        var sources = rule.SourceLabels;
        switch (sources.Count)
        {
            case 0:
                return string.Empty;
            case 1:
                return work.Get(sources[0]);
            default:
                var parts = new string[sources.Count];
                for (var i = 0; i < parts.Length; i++)
                {
                    parts[i] = work.Get(sources[i]);
                }

                return string.Join(rule.Separator, parts);
        }
    }

    /// <summary>
    /// The label set being relabeled: reads go to the original set until the first real change,
    /// which copies it into a builder.
    /// </summary>
    private struct Workspace(LabelSet? original, LabelSetBuilder? builder)
    {
        public LabelSetBuilder? Builder = builder;

        public readonly ReadOnlySpan<Label> Current => Builder is not null ? Builder.AsSpan() : original!.AsSpan();

        public readonly string Get(string name) => Builder is not null ? Builder.Get(name) : original!.Get(name);

        public void Set(string name, string value)
        {
            if (Builder is null)
            {
                if (string.Equals(original!.Get(name), value ?? string.Empty, StringComparison.Ordinal))
                {
                    return;
                }

                Builder = original.ToBuilder();
            }

            Builder.Set(name, value ?? string.Empty);
        }

        public void Delete(string name)
        {
            if (Builder is null)
            {
                if (!original!.Contains(name))
                {
                    return;
                }

                Builder = original.ToBuilder();
            }

            Builder.Delete(name);
        }
    }
}
