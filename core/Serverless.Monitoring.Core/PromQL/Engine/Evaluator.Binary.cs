using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>Binary operators: scalar/vector arithmetic, comparisons, vector matching and set operators.</summary>
internal sealed partial class Evaluator
{
    private Value EvalBinary(BinaryExpr b, long t)
    {
        var lv = Eval(b.Lhs, t);
        var rv = Eval(b.Rhs, t);
        switch (lv, rv)
        {
            case (ScalarValue l, ScalarValue r):
                {
                    var (f, keep) = ElemOp(b.Op, l.V, r.V);
                    if (b.Op.IsComparisonOperator())
                    {
                        f = keep ? 1 : 0;
                    }

                    return new ScalarValue(f);
                }

            case (VectorValue l, ScalarValue r):
                return VectorScalar(b, l, r.V, swap: false, t);
            case (ScalarValue l, VectorValue r):
                return VectorScalar(b, r, l.V, swap: true, t);
            case (VectorValue l, VectorValue r):
                return b.Op switch
                {
                    TokenKind.LAnd => And(l, r, b.Matching!),
                    TokenKind.LOr => Or(l, r, b.Matching!),
                    TokenKind.LUnless => Unless(l, r, b.Matching!),
                    _ => VectorVector(b, l, r, t),
                };
            default:
                throw new PromQLEvaluationException("invalid binary operand types");
        }
    }

    private static bool DropsName(TokenKind op) =>
        op is TokenKind.Add or TokenKind.Sub or TokenKind.Mul or TokenKind.Div or TokenKind.Pow or TokenKind.Mod or TokenKind.Atan2;

    internal static (double F, bool Keep) ElemOp(TokenKind op, double l, double r) => op switch
    {
        TokenKind.Add => (l + r, true),
        TokenKind.Sub => (l - r, true),
        TokenKind.Mul => (l * r, true),
        TokenKind.Div => (l / r, true),
        TokenKind.Pow => (Math.Pow(l, r), true),
        TokenKind.Mod => (GoMod(l, r), true),
        TokenKind.Atan2 => (Math.Atan2(l, r), true),
        TokenKind.Eqlc => (l, l == r),
        TokenKind.Neq => (l, l != r),
        TokenKind.Gtr => (l, l > r),
        TokenKind.Lss => (l, l < r),
        TokenKind.Gte => (l, l >= r),
        TokenKind.Lte => (l, l <= r),

        // Trimming only applies to native histograms: between floats there is no result.
        TokenKind.TrimUpper or TokenKind.TrimLower => (0, false),
        _ => throw new PromQLEvaluationException($"operator \"{op.Text()}\" not allowed for float operations"),
    };

    private static double GoMod(double l, double r) => l % r;

    private static VectorValue VectorScalar(BinaryExpr b, VectorValue vec, double scalar, bool swap, long t)
    {
        var result = new List<VSample>(vec.Samples.Count);
        foreach (var s in vec.Samples)
        {
            var (l, r) = swap ? (scalar, s.F) : (s.F, scalar);
            var (f, keep) = ElemOp(b.Op, l, r);
            if (b.Op.IsComparisonOperator() && swap)
            {
                f = r;
            }

            if (b.ReturnBool)
            {
                f = keep ? 1 : 0;
                keep = true;
            }

            if (keep)
            {
                var m = DropsName(b.Op) || b.ReturnBool ? DropName(s.Metric) : s.Metric;
                result.Add(new VSample(m, t, f));
            }
        }

        return CheckDuplicates(new VectorValue(result));
    }

    private static string Signature(LabelSet l, VectorMatching m)
    {
        var sb = new System.Text.StringBuilder();
        if (m.On)
        {
            foreach (var name in m.MatchingLabels.Order(StringComparer.Ordinal))
            {
                sb.Append(name).Append('\xff').Append(l.Get(name)).Append('\xfe');
            }
        }
        else
        {
            foreach (var lab in l)
            {
                if (lab.Name == LabelValidation.MetricNameLabel || m.MatchingLabels.Contains(lab.Name))
                {
                    continue;
                }

                sb.Append(lab.Name).Append('\xff').Append(lab.Value).Append('\xfe');
            }
        }

        return sb.ToString();
    }

    private static LabelSet MatchLabels(LabelSet l, VectorMatching m)
    {
        var b = new LabelSetBuilder(l);
        if (m.On)
        {
            b.Keep(m.MatchingLabels.ToArray());
        }
        else
        {
            b.Delete([.. m.MatchingLabels, LabelValidation.MetricNameLabel]);
        }

        return b.Build();
    }

    private VectorValue And(VectorValue l, VectorValue r, VectorMatching m)
    {
        var sigs = r.Samples.Select(x => MemoSignature(m, x.Metric)).ToHashSet();
        return new VectorValue(l.Samples.Where(x => sigs.Contains(MemoSignature(m, x.Metric))).ToList());
    }

    private VectorValue Or(VectorValue l, VectorValue r, VectorMatching m)
    {
        var sigs = l.Samples.Select(x => MemoSignature(m, x.Metric)).ToHashSet();
        var result = new List<VSample>(l.Samples);
        result.AddRange(r.Samples.Where(x => !sigs.Contains(MemoSignature(m, x.Metric))));
        return new VectorValue(result);
    }

    private VectorValue Unless(VectorValue l, VectorValue r, VectorMatching m)
    {
        var sigs = r.Samples.Select(x => MemoSignature(m, x.Metric)).ToHashSet();
        return new VectorValue(l.Samples.Where(x => !sigs.Contains(MemoSignature(m, x.Metric))).ToList());
    }

    private VectorValue VectorVector(BinaryExpr b, VectorValue lhs, VectorValue rhs, long t)
    {
        var m = b.Matching!;
        if (lhs.Samples.Count == 0 || rhs.Samples.Count == 0)
        {
            return new VectorValue([]);
        }

        var swapped = m.Card == VectorMatchCardinality.OneToMany;
        var (many, one) = swapped ? (rhs, lhs) : (lhs, rhs);
        var oneSigs = new Dictionary<string, VSample>();
        foreach (var s in one.Samples)
        {
            var sig = MemoSignature(m, s.Metric);
            if (oneSigs.TryGetValue(sig, out var dupl))
            {
                var side = swapped ? "left" : "right";
                throw new PromQLEvaluationException(
                    $"found duplicate series for the match group {MatchLabels(s.Metric, m)} on the {side} hand-side of the operation: [{dupl.Metric}, {s.Metric}];many-to-many matching not allowed: matching labels must be unique on one side");
            }

            oneSigs[sig] = s;
        }

        var matched = new Dictionary<string, HashSet<LabelSet>?>();
        var result = new List<VSample>(many.Samples.Count);
        foreach (var ls in many.Samples)
        {
            var sig = MemoSignature(m, ls.Metric);
            if (!oneSigs.TryGetValue(sig, out var rs))
            {
                continue;
            }

            if (m.Card == VectorMatchCardinality.OneToOne)
            {
                // Checked before filtering, so the error does not depend on which samples a comparison keeps.
                if (matched.ContainsKey(sig))
                {
                    throw new PromQLEvaluationException("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
                }

                matched[sig] = null;
            }

            if (b.Op is TokenKind.TrimUpper or TokenKind.TrimLower)
            {
                // Upstream's IncompatibleTypesInBinOpInfo (raised between vectors only, not with a scalar).
                var op = b.Op.Text();
                AddInfo($"PromQL info: incompatible sample types encountered for binary operator \"{op}\": float {op} float", b.Position);
                continue;
            }

            var (vl, vr) = swapped ? (rs.F, ls.F) : (ls.F, rs.F);
            var (f, keep) = ElemOp(b.Op, vl, vr);
            if (b.ReturnBool)
            {
                f = keep ? 1 : 0;
                keep = true;
            }

            if (!keep)
            {
                continue;
            }

            var metric = MemoResultMetric(b, ls.Metric, rs.Metric);
            if (b.ReturnBool)
            {
                metric = DropName(metric);
            }

            if (m.Card != VectorMatchCardinality.OneToOne)
            {
                if (!matched.TryGetValue(sig, out var set) || set is null)
                {
                    set = [];
                    matched[sig] = set;
                }

                if (!set.Add(metric))
                {
                    throw new PromQLEvaluationException("multiple matches for labels: grouping labels must ensure unique matches");
                }
            }

            result.Add(new VSample(metric, t, f));
        }

        return CheckDuplicates(new VectorValue(result));
    }

    private static LabelSet ResultMetric(LabelSet l, LabelSet r, TokenKind op, VectorMatching m)
    {
        var b = new LabelSetBuilder(l);
        if (DropsName(op))
        {
            b.Delete(LabelValidation.MetricNameLabel);
        }

        if (m.Card == VectorMatchCardinality.OneToOne)
        {
            if (m.On)
            {
                b.Keep(m.MatchingLabels.ToArray());
            }
            else
            {
                b.Delete(m.MatchingLabels.ToArray());
            }
        }

        foreach (var name in m.Include)
        {
            var v = r.Get(name);
            if (v.Length > 0)
            {
                b.Set(name, v);
            }
            else
            {
                b.Delete(name);
            }
        }

        return b.Build();
    }
}
