using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Model;

public sealed class LabelSetTests
{
    [Fact]
    public void Sorts_by_name_and_drops_empty_values()
    {
        var set = LabelSet.FromStrings("job", "api", "__name__", "up", "zone", "", "instance", "a:9100");

        Assert.Equal(["__name__", "instance", "job"], set.Select(l => l.Name));
        Assert.Equal(3, set.Count);
        Assert.False(set.Contains("zone"));
    }

    [Fact]
    public void Orders_names_by_utf8_bytes_not_utf16_code_units()
    {
        // U+FFFD is EF BF BD in UTF-8 and sorts before U+1F600 (F0 9F 98 80); in UTF-16 the
        // emoji's surrogate 0xD83D would sort first.
        var set = LabelSet.FromStrings("\U0001F600", "1", "\uFFFD", "2", "a", "3");

        Assert.Equal(["a", "\uFFFD", "\U0001F600"], set.Select(l => l.Name));
        Assert.Equal("1", set.Get("\U0001F600"));
    }

    public static TheoryData<Label[], string> InvalidSets => new()
    {
        { [new("a", "1"), new("a", "2")], "label name \"a\" is not unique" },
        { [new("b", "1"), new("a", "1"), new("b", "1")], "label name \"b\" is not unique" },
        { [new("", "x")], "invalid label name: " },
        { [new("bad\uD800", "x")], "invalid label name: bad\uD800" },
        { [new("ok", "x\uDC00")], "invalid label value: x\uDC00" },
    };

    [Theory]
    [MemberData(nameof(InvalidSets))]
    public void Rejects_invalid_sets_with_prometheus_reason(Label[] labels, string reason)
    {
        Assert.False(LabelSet.TryCreate(labels, out var set, out var error));
        Assert.Null(set);
        Assert.Equal(reason, error);

        var ex = Assert.Throws<InvalidLabelsException>(() => LabelSet.Create(labels));
        Assert.Equal(reason, ex.Message);
    }

    [Theory]
    [InlineData("__meta_kubernetes_pod_name")]
    [InlineData("__name__")]
    [InlineData("service.name")]
    [InlineData("größe")]
    [InlineData("with space")]
    [InlineData("0starts_with_digit")]
    public void Accepts_reserved_and_utf8_names(string name)
    {
        var set = LabelSet.FromStrings(name, "v");
        Assert.Equal("v", set.Get(name));
    }

    [Fact]
    public void A_duplicate_with_an_empty_value_is_not_a_duplicate()
    {
        var set = LabelSet.FromStrings("a", "", "a", "x");
        Assert.Equal("x", set.Get("a"));
    }

    [Fact]
    public void Lookup()
    {
        var set = LabelSet.FromStrings("__name__", "up", "job", "api");

        Assert.Equal("api", set.Get("job"));
        Assert.Equal("", set.Get("missing"));
        Assert.Equal("up", set.MetricName);
        Assert.True(set.TryGetValue("job", out var v));
        Assert.Equal("api", v);
        Assert.False(set.TryGetValue("jo", out _));
        Assert.True(set.Contains("__name__"));
        Assert.False(set.Contains("zzz"));
        Assert.Equal(new Label("job", "api"), set[1]);
        Assert.Equal("", LabelSet.Empty.Get("x"));
    }

    [Fact]
    public void With_adds_replaces_and_removes()
    {
        var set = LabelSet.FromStrings("b", "2");

        Assert.Equal(LabelSet.FromStrings("a", "1", "b", "2"), set.With("a", "1"));
        Assert.Equal(LabelSet.FromStrings("b", "2", "c", "3"), set.With("c", "3"));
        Assert.Equal(LabelSet.FromStrings("b", "9"), set.With("b", "9"));
        Assert.Same(set, set.With("b", "2"));
        Assert.Same(LabelSet.Empty, set.With("b", ""));
        Assert.Same(set, set.With("zz", ""));
        Assert.Equal("2", set.Get("b"));
        Assert.Throws<InvalidLabelsException>(() => set.With("", "x"));
    }

    [Fact]
    public void Without_removes_named_labels()
    {
        var set = LabelSet.FromStrings("a", "1", "b", "2", "c", "3");

        Assert.Equal(LabelSet.FromStrings("b", "2"), set.Without("a", "c", "missing"));
        Assert.Same(set, set.Without("missing"));
        Assert.Same(LabelSet.Empty, set.Without("a", "b", "c"));
    }

    [Fact]
    public void Builder_sets_deletes_and_keeps()
    {
        var set = LabelSet.FromStrings("__name__", "up", "job", "api", "instance", "x");

        var built = set.ToBuilder()
            .Set("zone", "eu")
            .Set("job", "web")
            .Set("instance", "")
            .Delete("missing")
            .Build();
        Assert.Equal(LabelSet.FromStrings("__name__", "up", "job", "web", "zone", "eu"), built);

        var kept = new LabelSetBuilder(set).Keep("job", "nothing").Build();
        Assert.Equal(LabelSet.FromStrings("job", "api"), kept);

        var builder = new LabelSetBuilder().Set("b", "1").Set("a", "2");
        Assert.Equal(2, builder.Count);
        Assert.Equal("2", builder.Get("a"));
        Assert.Equal(LabelSet.FromStrings("a", "2", "b", "1"), builder.Build());

        Assert.False(new LabelSetBuilder().Set("", "x").TryBuild(out _, out var error));
        Assert.Equal("invalid label name: ", error);
    }

    [Fact]
    public void Equality_is_by_content()
    {
        var a = LabelSet.FromStrings("job", "api", "__name__", "up");
        var b = LabelSet.FromDictionary(new Dictionary<string, string> { ["__name__"] = "up", ["job"] = "api" });
        var c = LabelSet.FromStrings("job", "api", "__name__", "down");

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.True(a != c);
        Assert.NotEqual(a, LabelSet.FromStrings("job", "api"));
        Assert.False(a.Equals(null));
        Assert.False(a == null);

        var index = new Dictionary<LabelSet, int> { [a] = 1 };
        Assert.Equal(1, index[b]);
    }

    [Fact]
    public void Equality_holds_whether_or_not_ids_were_computed()
    {
        var a = LabelSet.FromStrings("a", "1");
        var b = LabelSet.FromStrings("a", "1");
        var c = LabelSet.FromStrings("a", "2");
        Assert.True(a.Equals(b));
        _ = a.Id;
        Assert.True(a.Equals(b));
        _ = b.Id;
        _ = c.Id;
        Assert.True(a.Equals(b));
        Assert.False(a.Equals(c));
    }

    public static TheoryData<string[], string[], int> Comparisons => new()
    {
        { ["a", "1"], ["a", "1"], 0 },
        { ["a", "1"], ["a", "2"], -1 },
        { ["a", "2"], ["a", "1"], 1 },
        { ["a", "1"], ["a", "1", "b", "1"], -1 },
        { ["a", "1", "b", "1"], ["b", "0"], -1 },
        { ["b", "0"], ["a", "9"], 1 },
        { [], ["a", "1"], -1 },
    };

    [Theory]
    [MemberData(nameof(Comparisons))]
    public void Compare_orders_like_prometheus(string[] x, string[] y, int sign)
    {
        Assert.Equal(sign, Math.Sign(LabelSet.Compare(LabelSet.FromStrings(x), LabelSet.FromStrings(y))));
    }

    [Fact]
    public void FromStrings_requires_pairs()
    {
        Assert.Throws<ArgumentException>(() => LabelSet.FromStrings("a"));
    }
}
