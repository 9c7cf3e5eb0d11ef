using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Tests.Relabeling;

public sealed class RelabelerTests
{
    public static TheoryData<string, string, RelabelConfig[], string?> Cases() => new()
    {
        {
            "replace with ${1} twice",
            "a=foo,b=bar,c=baz",
            [new() { SourceLabels = ["a"], Regex = Re("f(.*)"), TargetLabel = "d", Replacement = "ch${1}-ch${1}" }],
            "a=foo,b=bar,c=baz,d=choo-choo"
        },
        {
            "two sources joined by the separator, then a rule reading the first rule's output",
            "a=foo,b=bar,c=baz",
            [
                new() { SourceLabels = ["a", "b"], Regex = Re("f(.*);(.*)r"), TargetLabel = "a", Replacement = "b${1}${2}m" },
                new() { SourceLabels = ["c", "a"], Regex = Re("(b).*b(.*)ba(.*)"), TargetLabel = "d", Replacement = "$1$2$2$3" },
            ],
            "a=boobam,b=bar,c=baz,d=boooom"
        },
        {
            "drop stops the chain",
            "a=foo",
            [
                new() { SourceLabels = ["a"], Regex = Re(".*o.*"), Action = RelabelAction.Drop },
                new() { SourceLabels = ["a"], Regex = Re("f(.*)"), TargetLabel = "d", Replacement = "ch$1" },
            ],
            null
        },
        {
            "drop without a match keeps",
            "a=foo",
            [new() { SourceLabels = ["a"], Regex = Re("no-match"), Action = RelabelAction.Drop }],
            "a=foo"
        },
        {
            "regexes are anchored: a partial match does not drop",
            "a=foo",
            [new() { SourceLabels = ["a"], Regex = Re("f|o"), Action = RelabelAction.Drop }],
            "a=foo"
        },
        {
            "keep with a match",
            "a=foo",
            [new() { SourceLabels = ["a"], Regex = Re("f.*"), Action = RelabelAction.Keep }],
            "a=foo"
        },
        {
            "keep without a match drops",
            "a=foo",
            [new() { SourceLabels = ["a"], Regex = Re("bar"), Action = RelabelAction.Keep }],
            null
        },
        {
            "keep on an absent label matches the empty string",
            "a=foo",
            [new() { SourceLabels = ["missing"], Regex = Re(""), Action = RelabelAction.Keep }],
            "a=foo"
        },
        {
            "replace: group inside a greedy match",
            "a=abc",
            [new() { SourceLabels = ["a"], Regex = Re(".*(b).*"), TargetLabel = "d" }],
            "a=abc,d=b"
        },
        {
            "replace without a match changes nothing",
            "a=foo",
            [new() { SourceLabels = ["a"], Regex = Re("bar"), TargetLabel = "d", Replacement = "x" }],
            "a=foo"
        },
        {
            "replace to an empty value deletes the target",
            "a=foo,b=bar",
            [new() { SourceLabels = ["a"], Regex = Re("foo"), TargetLabel = "b", Replacement = "" }],
            "a=foo"
        },
        {
            "fast path: no sources, constant replacement sets the label",
            "a=foo",
            [new() { TargetLabel = "env", Replacement = "prod" }],
            "a=foo,env=prod"
        },
        {
            "$1x names group 1x, which does not exist: expands to nothing",
            "a=foo",
            [new() { SourceLabels = ["a"], Regex = Re("(f)oo"), TargetLabel = "d", Replacement = "$1x-${1}x" }],
            "a=foo,d=-fx"
        },
        {
            "$$ is a literal dollar and a malformed reference stays literal",
            "a=foo",
            [new() { SourceLabels = ["a"], Regex = Re("(foo)"), TargetLabel = "d", Replacement = "$$1 ${1 $-" }],
            "a=foo,d=$1 ${1 $-"
        },
        {
            "named groups, (?P<name>) and $name / ${name}",
            "a=foo-bar",
            [new() { SourceLabels = ["a"], Regex = Re("(?P<first>[a-z]+)-(?P<second>[a-z]+)"), TargetLabel = "d", Replacement = "${second}_$first" }],
            "a=foo-bar,d=bar_foo"
        },
        {
            "groups are numbered as in Go: named and unnamed in order of opening",
            "a=xy",
            [new() { SourceLabels = ["a"], Regex = Re("(?P<n>x)(y)"), TargetLabel = "d", Replacement = "$1|$2" }],
            "a=xy,d=x|y"
        },
        {
            "unmatched optional group expands to nothing",
            "a=foo",
            [new() { SourceLabels = ["a"], Regex = Re("(f)(z)?oo"), TargetLabel = "d", Replacement = "[$2]" }],
            "a=foo,d=[]"
        },
        {
            "target label with a reference",
            "a=some-name-value",
            [new() { SourceLabels = ["a"], Regex = Re("some-([^-]+)-([^-]+)"), TargetLabel = "${1}", Replacement = "${2}" }],
            "a=some-name-value,name=value"
        },
        {
            "expanded target label that is empty is skipped",
            "a=foo",
            [new() { SourceLabels = ["a"], Regex = Re("(x?)foo"), TargetLabel = "$1", Replacement = "v" }],
            "a=foo"
        },
        {
            "expanded target invalid under legacy validation is skipped",
            "a=foo.bar",
            [new() { SourceLabels = ["a"], Regex = Re("(.*)"), TargetLabel = "${1}", Replacement = "v", NameValidation = NameValidationScheme.Legacy }],
            "a=foo.bar"
        },
        {
            "dot matches a newline, $ does not stop before a final newline",
            "a=foo\n",
            [new() { SourceLabels = ["a"], Regex = Re("foo"), Action = RelabelAction.Drop }],
            "a=foo\n"
        },
        {
            "(.*) matches across newlines",
            "a=x\ny",
            [new() { SourceLabels = ["a"], TargetLabel = "b" }],
            "a=x\ny,b=x\ny"
        },
        {
            "labelmap copies matching names",
            "__meta_kubernetes_pod_label_app=web,__meta_kubernetes_pod_label_tier=front,job=k",
            [new() { Regex = Re("__meta_kubernetes_pod_label_(.+)"), Action = RelabelAction.LabelMap }],
            "__meta_kubernetes_pod_label_app=web,__meta_kubernetes_pod_label_tier=front,app=web,job=k,tier=front"
        },
        {
            "labelmap with a replacement around the group",
            "a=foo,b=bar",
            [new() { Regex = Re("(b)"), Replacement = "${1}_copy", Action = RelabelAction.LabelMap }],
            "a=foo,b=bar,b_copy=bar"
        },
        {
            "labeldrop",
            "a=foo,b1=x,b2=y,c=z",
            [new() { Regex = Re("b.*"), Action = RelabelAction.LabelDrop }],
            "a=foo,c=z"
        },
        {
            "labelkeep",
            "a=foo,b1=x,b2=y,c=z",
            [new() { Regex = Re("b.*"), Action = RelabelAction.LabelKeep }],
            "b1=x,b2=y"
        },
        {
            "labeldrop is anchored",
            "abc=1,b=2",
            [new() { Regex = Re("b"), Action = RelabelAction.LabelDrop }],
            "abc=1"
        },
        {
            "lowercase",
            "foo=BAR,x=Ä",
            [new() { SourceLabels = ["foo", "x"], TargetLabel = "foo", Action = RelabelAction.Lowercase }],
            "foo=bar;ä,x=Ä"
        },
        {
            "uppercase",
            "foo=bar",
            [new() { SourceLabels = ["foo"], TargetLabel = "foo_up", Action = RelabelAction.Uppercase }],
            "foo=bar,foo_up=BAR"
        },
        {
            "keepequal keeps when equal",
            "a=x,b=x",
            [new() { SourceLabels = ["a"], TargetLabel = "b", Action = RelabelAction.KeepEqual }],
            "a=x,b=x"
        },
        {
            "keepequal drops when different",
            "a=x,b=y",
            [new() { SourceLabels = ["a"], TargetLabel = "b", Action = RelabelAction.KeepEqual }],
            null
        },
        {
            "dropequal drops when equal, absent equals empty",
            "a=x",
            [new() { SourceLabels = ["missing"], TargetLabel = "other", Action = RelabelAction.DropEqual }],
            null
        },
        {
            "dropequal keeps when different",
            "a=x,b=y",
            [new() { SourceLabels = ["a"], TargetLabel = "b", Action = RelabelAction.DropEqual }],
            "a=x,b=y"
        },
        {
            "hashmod, values read from Prometheus 2.42",
            "__address__=127.0.0.1:1",
            [
                new() { SourceLabels = ["__address__"], Modulus = 8, TargetLabel = "s8", Action = RelabelAction.HashMod },
                new() { SourceLabels = ["__address__"], Modulus = 1000000007, TargetLabel = "sbig", Action = RelabelAction.HashMod },
            ],
            "__address__=127.0.0.1:1,s8=2,sbig=657951973"
        },
        {
            "hashmod over two sources with a non-ASCII value, full 64-bit modulus",
            "__address__=127.0.0.1:2,x=täst",
            [new() { SourceLabels = ["__address__", "x"], Modulus = ulong.MaxValue, TargetLabel = "s", Action = RelabelAction.HashMod }],
            "__address__=127.0.0.1:2,s=15541212715763941078,x=täst"
        },
        {
            "documented example: keep only targets with a prometheus.io/scrape annotation",
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape=true,__address__=10.0.0.1:8080",
            [
                new() { SourceLabels = ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], Regex = Re("true"), Action = RelabelAction.Keep },
                new() { SourceLabels = ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"], Regex = Re(@"([^:]+)(?::\d+)?;(\d+)"), TargetLabel = "__address__", Replacement = "$1:$2" },
            ],
            "__address__=10.0.0.1:8080,__meta_kubernetes_pod_annotation_prometheus_io_scrape=true"
        },
        {
            "documented example: port from an annotation rewrites the address",
            "__meta_kubernetes_pod_annotation_prometheus_io_port=9102,__address__=10.0.0.1:8080",
            [new() { SourceLabels = ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"], Regex = Re(@"([^:]+)(?::\d+)?;(\d+)"), TargetLabel = "__address__", Replacement = "$1:$2" }],
            "__address__=10.0.0.1:9102,__meta_kubernetes_pod_annotation_prometheus_io_port=9102"
        },
        {
            "POSIX class and \\Q…\\E literal from RE2",
            "a=ab.c1",
            [new() { SourceLabels = ["a"], Regex = Re(@"([[:alpha:]]+)\Q.\E([[:alnum:]]+)"), TargetLabel = "d", Replacement = "$2$1" }],
            "a=ab.c1,d=c1ab"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Applies_rules_like_prometheus(string name, string input, RelabelConfig[] rules, string? expected)
    {
        foreach (var rule in rules)
        {
            Assert.Null(rule.Validate());
        }

        var result = Relabeler.Process(Labels(input), rules);
        if (expected is null)
        {
            Assert.True(result is null, $"{name}: expected the set to be dropped, got {result}");
        }
        else
        {
            Assert.True(result is not null, $"{name}: dropped");
            Assert.Equal(Labels(expected), result);
        }

        // The builder form agrees.
        var builder = Labels(input).ToBuilder();
        var kept = Relabeler.Process(builder, rules);
        Assert.Equal(expected is not null, kept);
        if (kept)
        {
            Assert.Equal(Labels(expected!), builder.Build());
        }
    }

    [Fact]
    public void Unchanged_set_is_returned_without_a_copy()
    {
        var input = Labels("a=foo,b=bar");
        RelabelConfig[] rules =
        [
            new() { SourceLabels = ["a"], Regex = Re("f.*"), Action = RelabelAction.Keep },
            new() { SourceLabels = ["a"], TargetLabel = "a" },
            new() { SourceLabels = ["b"], Regex = Re("nomatch"), TargetLabel = "c" },
            new() { Regex = Re("zzz"), Action = RelabelAction.LabelDrop },
            new() { SourceLabels = ["b"], TargetLabel = "b", Action = RelabelAction.Lowercase },
        ];
        Assert.Same(input, Relabeler.Process(input, rules));
        Assert.NotSame(input, Relabeler.Process(input, [new RelabelConfig { TargetLabel = "c", Replacement = "x" }]));
    }

    [Fact]
    public void Keep_drop_and_no_op_rules_do_not_allocate()
    {
        var input = Labels("__name__=http_requests_total,code=200,job=api");
        RelabelConfig[] rules =
        [
            new() { SourceLabels = ["__name__"], Regex = Re("http_.*"), Action = RelabelAction.Keep },
            new() { SourceLabels = ["code"], Regex = Re("5.."), Action = RelabelAction.Drop },
            new() { SourceLabels = ["job"], TargetLabel = "job" },
        ];
        for (var i = 0; i < 100; i++)
        {
            Relabeler.Process(input, rules);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Assert.Same(input, Relabeler.Process(input, rules));
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
        Assert.True(perCall == 0, $"{perCall} bytes per call");
    }

    [Theory]
    [InlineData("127.0.0.1:1", 8UL, 2UL)]
    [InlineData("127.0.0.1:2", 8UL, 0UL)]
    [InlineData("node-a.example:9100", 8UL, 4UL)]
    [InlineData("foo", 1000000007UL, 819793643UL)]
    [InlineData("127.0.0.1:1;täst", ulong.MaxValue, 80209812390653384UL)]
    public void HashMod_matches_prometheus(string value, ulong modulus, ulong expected)
    {
        Assert.Equal(expected, Relabeler.HashMod(value, modulus));
    }

    private static RelabelRegex Re(string text) => RelabelRegex.Parse(text);

    private static LabelSet Labels(string text)
    {
        if (text.Length == 0)
        {
            return LabelSet.Empty;
        }

        var labels = new List<Label>();
        foreach (var pair in text.Split(','))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            labels.Add(new Label(pair[..eq], pair[(eq + 1)..]));
        }

        return LabelSet.Create(labels.ToArray());
    }
}
