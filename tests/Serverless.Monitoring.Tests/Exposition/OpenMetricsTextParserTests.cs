using System.Text;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Model;
using static Serverless.Monitoring.Tests.Exposition.ParsedEntry;

namespace Serverless.Monitoring.Tests.Exposition;

/// <summary>Cases and expected errors from Prometheus's openmetricsparse_test.go (Apache-2.0), in our own test code.</summary>
public sealed class OpenMetricsTextParserTests
{
    private static readonly ExpositionParserOptions SkipCreated = new() { SkipCreatedSeries = true };

    private static readonly double NormalNaN = BitConverter.UInt64BitsToDouble(StaleMarker.NormalNaNBits);

    private static List<ParsedEntry> Parse(string input, ExpositionParserOptions? options = null) =>
        ParseAll(new OpenMetricsTextParser(Encoding.UTF8.GetBytes(input), options));

    private static Exemplar Ex(double value, long? timestamp, params string[] labels) => new(L(labels), value, timestamp);

    [Fact]
    public void Parses_like_prometheus()
    {
        string[] lines =
        [
            "# HELP go_gc_duration_seconds A summary of the GC invocation durations.",
            "# TYPE go_gc_duration_seconds summary",
            "# UNIT go_gc_duration_seconds seconds",
            "go_gc_duration_seconds{quantile=\"0\"} 4.9351e-05",
            "go_gc_duration_seconds{quantile=\"0.25\"} 7.424100000000001e-05",
            "go_gc_duration_seconds{quantile=\"0.5\",a=\"b\"} 8.3835e-05",
            "# HELP nohelp1 ",
            "# HELP help2 escape \\ \\n \\\\ \\\" \\x chars",
            "# UNIT nounit ",
            "go_gc_duration_seconds{quantile=\"1.0\",a=\"b\"} 8.3835e-05",
            "go_gc_duration_seconds_count 99",
            "some:aggregate:rate5m{a_b=\"c\"} 1",
            "# HELP go_goroutines Number of goroutines that currently exist.",
            "# TYPE go_goroutines gauge",
            "go_goroutines 33 123.123",
            "# TYPE hh histogram",
            "hh_bucket{le=\"+Inf\"} 1",
            "# TYPE gh gaugehistogram",
            "gh_bucket{le=\"+Inf\"} 1",
            "# TYPE hhh histogram",
            "hhh_bucket{le=\"+Inf\"} 1 # {id=\"histogram-bucket-test\"} 4",
            "hhh_count 1 # {id=\"histogram-count-test\"} 4",
            "# TYPE ggh gaugehistogram",
            "ggh_bucket{le=\"+Inf\"} 1 # {id=\"gaugehistogram-bucket-test\",xx=\"yy\"} 4 123.123",
            "ggh_count 1 # {id=\"gaugehistogram-count-test\",xx=\"yy\"} 4 123.123",
            "# TYPE smr_seconds summary",
            "smr_seconds_count 2.0 # {id=\"summary-count-test\"} 1 123.321",
            "smr_seconds_sum 42.0 # {id=\"summary-sum-test\"} 1 123.321",
            "# TYPE ii info",
            "ii{foo=\"bar\"} 1",
            "# TYPE ss stateset",
            "ss{ss=\"foo\"} 1",
            "ss{ss=\"bar\"} 0",
            "ss{A=\"a\"} 0",
            "# TYPE un unknown",
            "_metric_starting_with_underscore 1",
            "testmetric{_label_starting_with_underscore=\"foo\"} 1",
            "testmetric{label=\"\\\"bar\\\"\"} 1",
            "# HELP foo Counter with and without labels to certify ST is parsed for both cases",
            "# TYPE foo counter",
            "foo_total 17.0 1520879607.789 # {id=\"counter-test\"} 5",
            "foo_created 1520872607.123",
            "foo_total{a=\"b\"} 17.0 1520879607.789 # {id=\"counter-test\"} 5",
            "foo_created{a=\"b\"} 1520872607.123",
            "foo_total{le=\"c\"} 21.0",
            "foo_created{le=\"c\"} 1520872621.123",
            "foo_total{le=\"1\"} 10.0",
            "# HELP bar Summary with ST at the end, making sure we find ST even if it's multiple lines a far",
            "# TYPE bar summary",
            "bar_count 17.0",
            "bar_sum 324789.3",
            "bar{quantile=\"0.95\"} 123.7",
            "bar{quantile=\"0.99\"} 150.0",
            "bar_created 1520872608.124",
            "# HELP baz Histogram with the same objective as above's summary",
            "# TYPE baz histogram",
            "baz_bucket{le=\"0.0\"} 0",
            "baz_bucket{le=\"+Inf\"} 17",
            "baz_count 17",
            "baz_sum 324789.3",
            "baz_created 1520872609.125",
            "# HELP fizz_created Gauge which shouldn't be parsed as ST",
            "# TYPE fizz_created gauge",
            "fizz_created 17.0",
            "# HELP something Histogram with _created between buckets and summary",
            "# TYPE something histogram",
            "something_count 18",
            "something_sum 324789.4",
            "something_created 1520430001",
            "something_bucket{le=\"0.0\"} 1",
            "something_bucket{le=\"1\"} 2",
            "something_bucket{le=\"+Inf\"} 18",
            "# HELP yum Summary with _created between sum and quantiles",
            "# TYPE yum summary",
            "yum_count 20",
            "yum_sum 324789.5",
            "yum_created 1520430003",
            "yum{quantile=\"0.95\"} 123.7",
            "yum{quantile=\"0.99\"} 150.0",
            "# HELP foobar Summary with _created as the first line",
            "# TYPE foobar summary",
            "foobar_count 21",
            "foobar_created 1520430004",
            "foobar_sum 324789.6",
            "foobar{quantile=\"0.95\"} 123.8",
            "foobar{quantile=\"0.99\"} 150.1",
            "# HELP nansum Summary with NaN value",
            "# TYPE nansum summary",
            "nansum_count 0",
            "nansum_sum 0.0",
            "nansum{quantile=\"0.95\"} nan",
            "nansum{quantile=\"0.99\"} NaN",
            "# HELP metric foo\0bar",
            "null_byte_metric{a=\"abc\0\"} 1",
            "# EOF",
            string.Empty,
        ];

        List<ParsedEntry> expected =
        [
            Help("go_gc_duration_seconds", "A summary of the GC invocation durations."),
            TypeOf("go_gc_duration_seconds", MetricFamilyType.Summary),
            Unit("go_gc_duration_seconds", "seconds"),
            Series("go_gc_duration_seconds{quantile=\"0\"}", 4.9351e-05, L("__name__", "go_gc_duration_seconds", "quantile", "0.0")),
            Series("go_gc_duration_seconds{quantile=\"0.25\"}", 7.424100000000001e-05, L("__name__", "go_gc_duration_seconds", "quantile", "0.25")),
            Series("go_gc_duration_seconds{quantile=\"0.5\",a=\"b\"}", 8.3835e-05, L("__name__", "go_gc_duration_seconds", "quantile", "0.5", "a", "b")),
            Help("nohelp1", string.Empty),
            Help("help2", "escape \\ \n \\ \" \\x chars"),
            Unit("nounit", string.Empty),
            Series("go_gc_duration_seconds{quantile=\"1.0\",a=\"b\"}", 8.3835e-05, L("__name__", "go_gc_duration_seconds", "quantile", "1.0", "a", "b")),
            Series("go_gc_duration_seconds_count", 99, L("__name__", "go_gc_duration_seconds_count")),
            Series("some:aggregate:rate5m{a_b=\"c\"}", 1, L("__name__", "some:aggregate:rate5m", "a_b", "c")),
            Help("go_goroutines", "Number of goroutines that currently exist."),
            TypeOf("go_goroutines", MetricFamilyType.Gauge),
            Series("go_goroutines", 33, L("__name__", "go_goroutines"), 123123),
            TypeOf("hh", MetricFamilyType.Histogram),
            Series("hh_bucket{le=\"+Inf\"}", 1, L("__name__", "hh_bucket", "le", "+Inf")),
            TypeOf("gh", MetricFamilyType.GaugeHistogram),
            Series("gh_bucket{le=\"+Inf\"}", 1, L("__name__", "gh_bucket", "le", "+Inf")),
            TypeOf("hhh", MetricFamilyType.Histogram),
            Series("hhh_bucket{le=\"+Inf\"}", 1, L("__name__", "hhh_bucket", "le", "+Inf"), exemplar: Ex(4, null, "id", "histogram-bucket-test")),
            Series("hhh_count", 1, L("__name__", "hhh_count"), exemplar: Ex(4, null, "id", "histogram-count-test")),
            TypeOf("ggh", MetricFamilyType.GaugeHistogram),
            Series("ggh_bucket{le=\"+Inf\"}", 1, L("__name__", "ggh_bucket", "le", "+Inf"), exemplar: Ex(4, 123123, "id", "gaugehistogram-bucket-test", "xx", "yy")),
            Series("ggh_count", 1, L("__name__", "ggh_count"), exemplar: Ex(4, 123123, "id", "gaugehistogram-count-test", "xx", "yy")),
            TypeOf("smr_seconds", MetricFamilyType.Summary),
            Series("smr_seconds_count", 2, L("__name__", "smr_seconds_count"), exemplar: Ex(1, 123321, "id", "summary-count-test")),
            Series("smr_seconds_sum", 42, L("__name__", "smr_seconds_sum"), exemplar: Ex(1, 123321, "id", "summary-sum-test")),
            TypeOf("ii", MetricFamilyType.Info),
            Series("ii{foo=\"bar\"}", 1, L("__name__", "ii", "foo", "bar")),
            TypeOf("ss", MetricFamilyType.StateSet),
            Series("ss{ss=\"foo\"}", 1, L("__name__", "ss", "ss", "foo")),
            Series("ss{ss=\"bar\"}", 0, L("__name__", "ss", "ss", "bar")),
            Series("ss{A=\"a\"}", 0, L("__name__", "ss", "A", "a")),
            TypeOf("un", MetricFamilyType.Unknown),
            Series("_metric_starting_with_underscore", 1, L("__name__", "_metric_starting_with_underscore")),
            Series("testmetric{_label_starting_with_underscore=\"foo\"}", 1, L("__name__", "testmetric", "_label_starting_with_underscore", "foo")),
            Series("testmetric{label=\"\\\"bar\\\"\"}", 1, L("__name__", "testmetric", "label", "\"bar\"")),
            Help("foo", "Counter with and without labels to certify ST is parsed for both cases"),
            TypeOf("foo", MetricFamilyType.Counter),
            Series("foo_total", 17, L("__name__", "foo_total"), 1520879607789, Ex(5, null, "id", "counter-test")),
            Series("foo_total{a=\"b\"}", 17, L("__name__", "foo_total", "a", "b"), 1520879607789, Ex(5, null, "id", "counter-test")),
            Series("foo_total{le=\"c\"}", 21, L("__name__", "foo_total", "le", "c")),
            Series("foo_total{le=\"1\"}", 10, L("__name__", "foo_total", "le", "1")),
            Help("bar", "Summary with ST at the end, making sure we find ST even if it's multiple lines a far"),
            TypeOf("bar", MetricFamilyType.Summary),
            Series("bar_count", 17, L("__name__", "bar_count")),
            Series("bar_sum", 324789.3, L("__name__", "bar_sum")),
            Series("bar{quantile=\"0.95\"}", 123.7, L("__name__", "bar", "quantile", "0.95")),
            Series("bar{quantile=\"0.99\"}", 150, L("__name__", "bar", "quantile", "0.99")),
            Help("baz", "Histogram with the same objective as above's summary"),
            TypeOf("baz", MetricFamilyType.Histogram),
            Series("baz_bucket{le=\"0.0\"}", 0, L("__name__", "baz_bucket", "le", "0.0")),
            Series("baz_bucket{le=\"+Inf\"}", 17, L("__name__", "baz_bucket", "le", "+Inf")),
            Series("baz_count", 17, L("__name__", "baz_count")),
            Series("baz_sum", 324789.3, L("__name__", "baz_sum")),
            Help("fizz_created", "Gauge which shouldn't be parsed as ST"),
            TypeOf("fizz_created", MetricFamilyType.Gauge),
            Series("fizz_created", 17, L("__name__", "fizz_created")),
            Help("something", "Histogram with _created between buckets and summary"),
            TypeOf("something", MetricFamilyType.Histogram),
            Series("something_count", 18, L("__name__", "something_count")),
            Series("something_sum", 324789.4, L("__name__", "something_sum")),
            Series("something_bucket{le=\"0.0\"}", 1, L("__name__", "something_bucket", "le", "0.0")),
            Series("something_bucket{le=\"1\"}", 2, L("__name__", "something_bucket", "le", "1.0")),
            Series("something_bucket{le=\"+Inf\"}", 18, L("__name__", "something_bucket", "le", "+Inf")),
            Help("yum", "Summary with _created between sum and quantiles"),
            TypeOf("yum", MetricFamilyType.Summary),
            Series("yum_count", 20, L("__name__", "yum_count")),
            Series("yum_sum", 324789.5, L("__name__", "yum_sum")),
            Series("yum{quantile=\"0.95\"}", 123.7, L("__name__", "yum", "quantile", "0.95")),
            Series("yum{quantile=\"0.99\"}", 150, L("__name__", "yum", "quantile", "0.99")),
            Help("foobar", "Summary with _created as the first line"),
            TypeOf("foobar", MetricFamilyType.Summary),
            Series("foobar_count", 21, L("__name__", "foobar_count")),
            Series("foobar_sum", 324789.6, L("__name__", "foobar_sum")),
            Series("foobar{quantile=\"0.95\"}", 123.8, L("__name__", "foobar", "quantile", "0.95")),
            Series("foobar{quantile=\"0.99\"}", 150.1, L("__name__", "foobar", "quantile", "0.99")),
            Help("nansum", "Summary with NaN value"),
            TypeOf("nansum", MetricFamilyType.Summary),
            Series("nansum_count", 0, L("__name__", "nansum_count")),
            Series("nansum_sum", 0, L("__name__", "nansum_sum")),
            Series("nansum{quantile=\"0.95\"}", NormalNaN, L("__name__", "nansum", "quantile", "0.95")),
            Series("nansum{quantile=\"0.99\"}", NormalNaN, L("__name__", "nansum", "quantile", "0.99")),
            Help("metric", "foo\0bar"),
            Series("null_byte_metric{a=\"abc\0\"}", 1, L("__name__", "null_byte_metric", "a", "abc\0")),
        ];

        AssertEntries(expected, Parse(string.Join('\n', lines), SkipCreated));
    }

    [Fact]
    public void Created_series_are_samples_unless_skipped()
    {
        const string Input = "# TYPE foo counter\nfoo_total 17.0\nfoo_created 1520872607.123\n# TYPE g gauge\ng_created 1\n# EOF\n";
        var all = Parse(Input);
        Assert.Equal(["foo_total", "foo_created", "g_created"], all.Where(e => e.Kind == ExpositionEntry.Series).Select(e => e.M));
        var skipped = Parse(Input, SkipCreated);
        Assert.Equal(["foo_total", "g_created"], skipped.Where(e => e.Kind == ExpositionEntry.Series).Select(e => e.M));

        var parser = new OpenMetricsTextParser(Encoding.UTF8.GetBytes(Input));
        parser.Next();
        parser.Next();
        Assert.False(parser.IsCreatedSeries);
        parser.Next();
        Assert.True(parser.IsCreatedSeries);
        Assert.Equal(1520872607.123, parser.Value);
    }

    [Fact]
    public void Parses_quoted_utf8_names()
    {
        string[] lines =
        [
            "# HELP \"go.gc_duration_seconds\" A summary of the GC invocation durations.",
            "# TYPE \"go.gc_duration_seconds\" summary",
            "# UNIT \"go.gc_duration_seconds\" seconds",
            "{\"go.gc_duration_seconds\",quantile=\"0\"} 4.9351e-05",
            "{\"go.gc_duration_seconds\",quantile=\"0.25\"} 7.424100000000001e-05",
            "{\"go.gc_duration_seconds_created\"} 1520872607.123",
            "{\"go.gc_duration_seconds\",quantile=\"0.5\",a=\"b\"} 8.3835e-05",
            "{\"http.status\",q=\"0.9\",a=\"b\"} 8.3835e-05",
            "{\"http.status\",q=\"0.9\",a=\"b\"} 8.3835e-05",
            "{q=\"0.9\",\"http.status\",a=\"b\"} 8.3835e-05",
            "{\"go.gc_duration_seconds_sum\"} 0.004304266",
            "{\"Heizölrückstoßabdämpfung 10€ metric with \\\"interesting\\\" {character\\nchoices}\",\"strange©™\\n'quoted' \\\"name\\\"\"=\"6\"} 10.0",
            "quotedexemplar_count 1 # {\"id.thing\"=\"histogram-count-test\"} 4",
            "quotedexemplar2_count 1 # {\"id.thing\"=\"histogram-count-test\",other=\"hello\"} 4",
            "# EOF",
            string.Empty,
        ];
        const string Name = "go.gc_duration_seconds";

        List<ParsedEntry> expected =
        [
            Help(Name, "A summary of the GC invocation durations."),
            TypeOf(Name, MetricFamilyType.Summary),
            Unit(Name, "seconds"),
            Series("{\"go.gc_duration_seconds\",quantile=\"0\"}", 4.9351e-05, L("__name__", Name, "quantile", "0.0")),
            Series("{\"go.gc_duration_seconds\",quantile=\"0.25\"}", 7.424100000000001e-05, L("__name__", Name, "quantile", "0.25")),
            Series("{\"go.gc_duration_seconds\",quantile=\"0.5\",a=\"b\"}", 8.3835e-05, L("__name__", Name, "quantile", "0.5", "a", "b")),
            Series("{\"http.status\",q=\"0.9\",a=\"b\"}", 8.3835e-05, L("__name__", "http.status", "q", "0.9", "a", "b")),
            Series("{\"http.status\",q=\"0.9\",a=\"b\"}", 8.3835e-05, L("__name__", "http.status", "q", "0.9", "a", "b")),
            Series("{q=\"0.9\",\"http.status\",a=\"b\"}", 8.3835e-05, L("__name__", "http.status", "q", "0.9", "a", "b")),
            Series("{\"go.gc_duration_seconds_sum\"}", 0.004304266, L("__name__", "go.gc_duration_seconds_sum")),
            Series(
                "{\"Heizölrückstoßabdämpfung 10€ metric with \\\"interesting\\\" {character\\nchoices}\",\"strange©™\\n'quoted' \\\"name\\\"\"=\"6\"}",
                10,
                L("__name__", "Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}", "strange©™\n'quoted' \"name\"", "6")),
            Series("quotedexemplar_count", 1, L("__name__", "quotedexemplar_count"), exemplar: Ex(4, null, "id.thing", "histogram-count-test")),
            Series("quotedexemplar2_count", 1, L("__name__", "quotedexemplar2_count"), exemplar: Ex(4, null, "id.thing", "histogram-count-test", "other", "hello")),
        ];

        AssertEntries(expected, Parse(string.Join('\n', lines), SkipCreated));
    }

    public static TheoryData<string, string> ErrorCases => new()
    {
        { "", "data does not end with # EOF" },
        { "\n", "expected a valid start token, got \"\\n\" (\"INVALID\") while parsing: \"\\n\"" },
        { "metric", "expected value after metric, got \"metric\" (\"EOF\") while parsing: \"metric\"" },
        { "metric 1", "data does not end with # EOF" },
        { "metric 1\n", "data does not end with # EOF" },
        { "metric_total 1 # {aa=\"bb\"} 4", "data does not end with # EOF" },
        { "a\n#EOF\n", "expected value after metric, got \"\\n\" (\"INVALID\") while parsing: \"a\\n\"" },
        { "\n\n#EOF\n", "expected a valid start token, got \"\\n\" (\"INVALID\") while parsing: \"\\n\"" },
        { " a 1\n#EOF\n", "expected a valid start token, got \" \" (\"INVALID\") while parsing: \" \"" },
        { "9\n#EOF\n", "expected a valid start token, got \"9\" (\"INVALID\") while parsing: \"9\"" },
        { "# TYPE u untyped\n#EOF\n", "invalid metric type \"untyped\"" },
        { "# TYPE c counter \n#EOF\n", "invalid metric type \"counter \"" },
        { "#  TYPE c counter\n#EOF\n", "expected a valid start token, got \"#  \" (\"INVALID\") while parsing: \"#  \"" },
        { "# TYPE \n#EOF\n", "expected metric name after TYPE, got \"\\n\" (\"INVALID\") while parsing: \"# TYPE \\n\"" },
        { "# TYPE m\n#EOF\n", "expected text in TYPE" },
        { "# UNIT metric suffix\n#EOF\n", "unit \"suffix\" not a suffix of metric \"metric\"" },
        { "# UNIT metricsuffix suffix\n#EOF\n", "unit \"suffix\" not a suffix of metric \"metricsuffix\"" },
        { "# UNIT m suffix\n#EOF\n", "unit \"suffix\" not a suffix of metric \"m\"" },
        { "# UNIT \n#EOF\n", "expected metric name after UNIT, got \"\\n\" (\"INVALID\") while parsing: \"# UNIT \\n\"" },
        { "# UNIT m\n#EOF\n", "expected text in UNIT" },
        { "# HELP \n#EOF\n", "expected metric name after HELP, got \"\\n\" (\"INVALID\") while parsing: \"# HELP \\n\"" },
        { "# HELP m\n#EOF\n", "expected text in HELP" },
        { "a\t1\n#EOF\n", "expected value after metric, got \"\\t\" (\"INVALID\") while parsing: \"a\\t\"" },
        { "a 1\t2\n#EOF\n", "strconv.ParseFloat: parsing \"1\\t2\": invalid syntax while parsing: \"a 1\\t2\"" },
        { "a 1 2 \n#EOF\n", "expected next entry after timestamp, got \" \\n\" (\"INVALID\") while parsing: \"a 1 2 \\n\"" },
        { "a 1 2 #\n#EOF\n", "expected next entry after timestamp, got \" #\\n\" (\"TIMESTAMP\") while parsing: \"a 1 2 #\\n\"" },
        { "a 1 1z\n#EOF\n", "strconv.ParseFloat: parsing \"1z\": invalid syntax while parsing: \"a 1 1z\"" },
        { " # EOF\n", "expected a valid start token, got \" \" (\"INVALID\") while parsing: \" \"" },
        { "# EOF\na 1", "unexpected data after # EOF" },
        { "# EOF\n\n", "unexpected data after # EOF" },
        { "# EOFa 1", "unexpected data after # EOF" },
        { "#\tTYPE c counter\n", "expected a valid start token, got \"#\\t\" (\"INVALID\") while parsing: \"#\\t\"" },
        { "# TYPE c  counter\n", "invalid metric type \" counter\"" },
        { "a 1 1 1\n# EOF\n", "expected next entry after timestamp, got \" 1\\n\" (\"TIMESTAMP\") while parsing: \"a 1 1 1\\n\"" },
        { "a{b='c'} 1\n# EOF\n", "expected label value, got \"'\" (\"INVALID\") while parsing: \"a{b='\"" },
        { "a{,b=\"c\"} 1\n# EOF\n", "expected label name, got \",b\" (\"COMMA\") while parsing: \"a{,b\"" },
        { "a{b=\"c\"d=\"e\"} 1\n# EOF\n", "expected comma or brace close, got \"d=\" (\"LNAME\") while parsing: \"a{b=\\\"c\\\"d=\"" },
        { "a{b=\"c\",,d=\"e\"} 1\n# EOF\n", "expected label name, got \",d\" (\"COMMA\") while parsing: \"a{b=\\\"c\\\",,d\"" },
        { "a{b=\n# EOF\n", "expected label value, got \"\\n\" (\"INVALID\") while parsing: \"a{b=\\n\"" },
        { "a{\xff=\"foo\"} 1\n# EOF\n", "expected label name, got \"\\xff\" (\"INVALID\") while parsing: \"a{\\xff\"" },
        { "a{b=\"\xff\"} 1\n# EOF\n", "invalid UTF-8 label value: \"\\\"\\xff\\\"\"" },
        { "{\"a\",\"b = \"c\"}\n# EOF\n", "expected equal, got \"c\\\"\" (\"LNAME\") while parsing: \"{\\\"a\\\",\\\"b = \\\"c\\\"\"" },
        { "{\"a\",b\\nc=\"d\"} 1\n# EOF\n", "expected equal, got \"\\\\\" (\"INVALID\") while parsing: \"{\\\"a\\\",b\\\\\"" },
        { "a true\n", "strconv.ParseFloat: parsing \"true\": invalid syntax while parsing: \"a true\"" },
        { "something_weird{problem=\"\n# EOF\n", "expected label value, got \"\\\"\\n\" (\"INVALID\") while parsing: \"something_weird{problem=\\\"\\n\"" },
        { "empty_label_name{=\"\"} 0\n# EOF\n", "expected label name, got \"=\\\"\" (\"EQUAL\") while parsing: \"empty_label_name{=\\\"\"" },
        { "{A}0\n# EOF\n", "expected equal, got \"}0\" (\"BCLOSE\") while parsing: \"{A}0\"" },
        { "foo 1_2\n\n# EOF\n", "unsupported character in float while parsing: \"foo 1_2\"" },
        { "foo 0x1p-3\n\n# EOF\n", "unsupported character in float while parsing: \"foo 0x1p-3\"" },
        { "foo 0x1P-3\n\n# EOF\n", "unsupported character in float while parsing: \"foo 0x1P-3\"" },
        { "foo 0 1_2\n\n# EOF\n", "unsupported character in float while parsing: \"foo 0 1_2\"" },
        { "custom_metric_total 1 # {aa=bb}\n# EOF\n", "expected label value, got \"b\" (\"INVALID\") while parsing: \"custom_metric_total 1 # {aa=b\"" },
        { "custom_metric_total 1 # {aa=\"bb\"}\n# EOF\n", "expected value after exemplar labels, got \"\\n\" (\"INVALID\") while parsing: \"custom_metric_total 1 # {aa=\\\"bb\\\"}\\n\"" },
        { "custom_metric_total 1 # {aa=\"bb\"}", "expected value after exemplar labels, got \"}\" (\"EOF\") while parsing: \"custom_metric_total 1 # {aa=\\\"bb\\\"}\"" },
        { "custom_metric_total 1 # {bb}", "expected equal, got \"}\" (\"BCLOSE\") while parsing: \"custom_metric_total 1 # {bb}\"" },
        { "custom_metric_total 1 # {bb, a=\"dd\"}", "expected equal, got \", \" (\"COMMA\") while parsing: \"custom_metric_total 1 # {bb, \"" },
        { "custom_metric_total 1 # {aa=\"bb\",,cc=\"dd\"} 1", "expected label name, got \",c\" (\"COMMA\") while parsing: \"custom_metric_total 1 # {aa=\\\"bb\\\",,c\"" },
        { "custom_metric_total 1 # {aa=\"bb\"} 1_2", "unsupported character in float while parsing: \"custom_metric_total 1 # {aa=\\\"bb\\\"} 1_2\"" },
        { "custom_metric_total 1 # {aa=\"bb\"} 0x1p-3", "unsupported character in float while parsing: \"custom_metric_total 1 # {aa=\\\"bb\\\"} 0x1p-3\"" },
        { "custom_metric_total 1 # {aa=\"bb\"} true", "strconv.ParseFloat: parsing \"true\": invalid syntax while parsing: \"custom_metric_total 1 # {aa=\\\"bb\\\"} true\"" },
        { "custom_metric_total 1 # {aa=\"bb\",cc=}", "expected label value, got \"}\" (\"INVALID\") while parsing: \"custom_metric_total 1 # {aa=\\\"bb\\\",cc=}\"" },
        { "custom_metric_total 1 # {aa=\\\"\xff\\\"} 9.0", "expected label value, got \"\\\\\" (\"INVALID\") while parsing: \"custom_metric_total 1 # {aa=\\\\\"" },
        { "{b=\"c\",} 1", "metric name not set while parsing: \"{b=\\\"c\\\",} 1\"" },
        { "a 1 NaN", "invalid timestamp NaN" },
        { "a 1 -Inf", "invalid timestamp -Inf" },
        { "a 1 Inf", "invalid timestamp +Inf" },
        { "# TYPE hhh histogram\nhhh_bucket{le=\"+Inf\"} 1 # {aa=\"bb\"} 4 NaN", "invalid exemplar timestamp NaN" },
        { "# TYPE hhh histogram\nhhh_bucket{le=\"+Inf\"} 1 # {aa=\"bb\"} 4 -Inf", "invalid exemplar timestamp -Inf" },

        // Null bytes (TestOMNullByteHandling).
        { "a{b=\0\"ssss\"} 1\n# EOF\n", "expected label value, got \"\\x00\" (\"INVALID\") while parsing: \"a{b=\\x00\"" },
        { "a{b=\"\0", "expected label value, got \"\\\"\\x00\" (\"INVALID\") while parsing: \"a{b=\\\"\\x00\"" },
        { "a{b\0=\"hiih\"}\t1", "expected equal, got \"\\x00\" (\"INVALID\") while parsing: \"a{b\\x00\"" },
        { "a\0{b=\"ddd\"} 1", "expected value after metric, got \"\\x00\" (\"INVALID\") while parsing: \"a\\x00\"" },
        { "#", "expected a valid start token, got \"#\" (\"INVALID\") while parsing: \"#\"" },
        { "# H", "expected a valid start token, got \"# H\" (\"INVALID\") while parsing: \"# H\"" },
        { "custom_metric_total 1 # {b=\0\"ssss\"} 1\n", "expected label value, got \"\\x00\" (\"INVALID\") while parsing: \"custom_metric_total 1 # {b=\\x00\"" },
        { "custom_metric_total 1 # {b=\"\0ss\"} 1\n", "expected label value, got \"\\\"\\x00\" (\"INVALID\") while parsing: \"custom_metric_total 1 # {b=\\\"\\x00\"" },

        // Ours.
        { "a 1 1e400\n# EOF\n", "strconv.ParseFloat: parsing \"1e400\": value out of range while parsing: \"a 1 1e400\"" },
        { "a 1 # x\n# EOF\n", "expected a valid start token, got \"x\" (\"INVALID\") while parsing: \"x\"" },
        { "a{b=\"c\"} 1 # {\"x\"} 1\n# EOF\n", "expected label name, got \"} \" (\"BCLOSE\") while parsing: \"a{b=\\\"c\\\"} 1 # {\\\"x\\\"} \"" },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Reports_errors_in_prometheus_words(string input, string reason)
    {
        Assert.Equal(reason, ParseError(new OpenMetricsTextParser(Encoding.Latin1.GetBytes(input))));
    }

    [Theory]
    [InlineData("# EOF")]
    [InlineData("# EOF\n")]
    [InlineData("null_byte_metric{a=\"abc\0\"} 1\n# EOF\n")]
    [InlineData("a{b=\"\0ss\"} 1\n# EOF\n")]
    [InlineData("a{b=\"\0\"} 1\n# EOF\n")]
    [InlineData("a{b=\"\0\"} 1\n# EOF")]
    public void Accepts(string input)
    {
        var parser = new OpenMetricsTextParser(Encoding.Latin1.GetBytes(input));
        var entries = ParseAll(parser);
        Assert.True(entries.Count <= 1);
        Assert.Equal(ExpositionEntry.Eof, parser.Next());
    }

    [Fact]
    public void Errors_name_the_line()
    {
        var e = Assert.Throws<ExpositionParseException>(() =>
            ParseAll(new OpenMetricsTextParser("# TYPE a counter\na_total 1\na_total{b=\"c\"} x\n# EOF\n"u8.ToArray())));
        Assert.Equal(3, e.Line);
        Assert.Equal("line 3: strconv.ParseFloat: parsing \"x\": invalid syntax while parsing: \"a_total{b=\\\"c\\\"} x\"", e.Message);

        e = Assert.Throws<ExpositionParseException>(() => ParseAll(new OpenMetricsTextParser("a 1\nb 2\n"u8.ToArray())));
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void Timestamps_are_seconds_kept_in_milliseconds()
    {
        var entries = Parse("a 1 1700000000.123\nb 2 -1.5\nc 3 17e8\n# EOF\n");
        Assert.Equal([1700000000123L, -1500L, 1700000000000L], entries.Select(e => e.Timestamp!.Value));
    }

    [Fact]
    public void Exemplar_labels_are_unescaped()
    {
        var parser = new OpenMetricsTextParser("a_total 1 # {trace_id=\"x\\\"y\\\\z\"} 1.0 123.45\n# EOF\n"u8.ToArray());
        Assert.Equal(ExpositionEntry.Series, parser.Next());
        Assert.True(parser.HasExemplar);
        Assert.Equal(new Exemplar(L("trace_id", "x\"y\\z"), 1.0, 123450), parser.GetExemplar());
        Assert.Equal(ExpositionEntry.Eof, parser.Next());
        Assert.False(parser.TryGetExemplar(out _));
    }
}
