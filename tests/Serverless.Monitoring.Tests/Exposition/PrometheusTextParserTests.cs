using System.Text;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Model;
using static Serverless.Monitoring.Tests.Exposition.ParsedEntry;

namespace Serverless.Monitoring.Tests.Exposition;

/// <summary>Cases and expected errors from Prometheus's promparse_test.go (Apache-2.0), in our own test code.</summary>
public sealed class PrometheusTextParserTests
{
    private static List<ParsedEntry> Parse(string input) =>
        ParseAll(new PrometheusTextParser(Encoding.UTF8.GetBytes(input)));

    private static List<ParsedEntry> ParseBytes(byte[] input) => ParseAll(new PrometheusTextParser(input));

    [Fact]
    public void Parses_like_prometheus()
    {
        string[] lines =
        [
            "# HELP go_gc_duration_seconds A summary of the GC invocation durations.",
            "# \tTYPE go_gc_duration_seconds summary",
            "go_gc_duration_seconds{quantile=\"0\"} 4.9351e-05",
            "go_gc_duration_seconds{quantile=\"0.25\",} 7.424100000000001e-05",
            "go_gc_duration_seconds{quantile=\"0.5\",a=\"b\"} 8.3835e-05",
            "go_gc_duration_seconds{quantile=\"0.8\", a=\"b\"} 8.3835e-05",
            "go_gc_duration_seconds{ quantile=\"0.9\", a=\"b\"} 8.3835e-05",
            "# HELP prometheus_http_request_duration_seconds Histogram of latencies for HTTP requests.",
            "# TYPE prometheus_http_request_duration_seconds histogram",
            "prometheus_http_request_duration_seconds_bucket{handler=\"/\",le=\"1\"} 423",
            "prometheus_http_request_duration_seconds_bucket{handler=\"/\",le=\"2\"} 1423",
            "prometheus_http_request_duration_seconds_bucket{handler=\"/\",le=\"+Inf\"} 1423",
            "prometheus_http_request_duration_seconds_sum{handler=\"/\"} 2000",
            "prometheus_http_request_duration_seconds_count{handler=\"/\"} 1423",
            "# Hrandom comment starting with prefix of HELP",
            "#",
            "wind_speed{A=\"2\",c=\"3\"} 12345",
            "# comment with escaped \\n newline",
            "# comment with escaped \\ escape character",
            "# HELP nohelp1",
            "# HELP nohelp2 ",
            "go_gc_duration_seconds{ quantile=\"1.0\", a=\"b\" } 8.3835e-05",
            "go_gc_duration_seconds { quantile=\"1.0\", a=\"b\" } 8.3835e-05",
            "go_gc_duration_seconds { quantile= \"1.0\", a= \"b\", } 8.3835e-05",
            "go_gc_duration_seconds { quantile = \"1.0\", a = \"b\" } 8.3835e-05",
            "go_gc_duration_seconds { quantile = \"2.0\" a = \"b\" } 8.3835e-05",
            "go_gc_duration_seconds_count 99",
            "some:aggregate:rate5m{a_b=\"c\"}\t1",
            "# HELP go_goroutines Number of goroutines that currently exist.",
            "# TYPE go_goroutines gauge",
            "go_goroutines 33  \t123123",
            "# TYPE some_counter_total counter",
            "# HELP some_counter_total Help after type.",
            "some_counter_total 12",
            "# HELP nohelp3",
            "_metric_starting_with_underscore 1",
            "testmetric{_label_starting_with_underscore=\"foo\"} 1",
            "testmetric{label=\"\\\"bar\\\"\"} 1",
            "testmetric{le=\"10\"} 1",
            "# HELP type_and_unit_test1 Type specified in metadata overrides.",
            "# TYPE type_and_unit_test1 gauge",
            "type_and_unit_test1{__type__=\"counter\"} 123",
            "# HELP type_and_unit_test2 Type specified in label.",
            "type_and_unit_test2{__type__=\"counter\"} 123",
            "# HELP metric foo\0bar",
            "null_byte_metric{a=\"abc\0\"} 1",
        ];

        List<ParsedEntry> expected =
        [
            Help("go_gc_duration_seconds", "A summary of the GC invocation durations."),
            TypeOf("go_gc_duration_seconds", MetricFamilyType.Summary),
            Series("go_gc_duration_seconds{quantile=\"0\"}", 4.9351e-05, L("__name__", "go_gc_duration_seconds", "quantile", "0.0")),
            Series("go_gc_duration_seconds{quantile=\"0.25\",}", 7.424100000000001e-05, L("__name__", "go_gc_duration_seconds", "quantile", "0.25")),
            Series("go_gc_duration_seconds{quantile=\"0.5\",a=\"b\"}", 8.3835e-05, L("__name__", "go_gc_duration_seconds", "quantile", "0.5", "a", "b")),
            Series("go_gc_duration_seconds{quantile=\"0.8\", a=\"b\"}", 8.3835e-05, L("__name__", "go_gc_duration_seconds", "quantile", "0.8", "a", "b")),
            Series("go_gc_duration_seconds{ quantile=\"0.9\", a=\"b\"}", 8.3835e-05, L("__name__", "go_gc_duration_seconds", "quantile", "0.9", "a", "b")),
            Help("prometheus_http_request_duration_seconds", "Histogram of latencies for HTTP requests."),
            TypeOf("prometheus_http_request_duration_seconds", MetricFamilyType.Histogram),
            Series("prometheus_http_request_duration_seconds_bucket{handler=\"/\",le=\"1\"}", 423, L("__name__", "prometheus_http_request_duration_seconds_bucket", "handler", "/", "le", "1.0")),
            Series("prometheus_http_request_duration_seconds_bucket{handler=\"/\",le=\"2\"}", 1423, L("__name__", "prometheus_http_request_duration_seconds_bucket", "handler", "/", "le", "2.0")),
            Series("prometheus_http_request_duration_seconds_bucket{handler=\"/\",le=\"+Inf\"}", 1423, L("__name__", "prometheus_http_request_duration_seconds_bucket", "handler", "/", "le", "+Inf")),
            Series("prometheus_http_request_duration_seconds_sum{handler=\"/\"}", 2000, L("__name__", "prometheus_http_request_duration_seconds_sum", "handler", "/")),
            Series("prometheus_http_request_duration_seconds_count{handler=\"/\"}", 1423, L("__name__", "prometheus_http_request_duration_seconds_count", "handler", "/")),
            Comment("# Hrandom comment starting with prefix of HELP"),
            Comment("#"),
            Series("wind_speed{A=\"2\",c=\"3\"}", 12345, L("A", "2", "__name__", "wind_speed", "c", "3")),
            Comment("# comment with escaped \\n newline"),
            Comment("# comment with escaped \\ escape character"),
            Help("nohelp1", string.Empty),
            Help("nohelp2", string.Empty),
            Series("go_gc_duration_seconds{ quantile=\"1.0\", a=\"b\" }", 8.3835e-05, L("__name__", "go_gc_duration_seconds", "quantile", "1.0", "a", "b")),
            Series("go_gc_duration_seconds { quantile=\"1.0\", a=\"b\" }", 8.3835e-05, L("__name__", "go_gc_duration_seconds", "quantile", "1.0", "a", "b")),
            Series("go_gc_duration_seconds { quantile= \"1.0\", a= \"b\", }", 8.3835e-05, L("__name__", "go_gc_duration_seconds", "quantile", "1.0", "a", "b")),
            Series("go_gc_duration_seconds { quantile = \"1.0\", a = \"b\" }", 8.3835e-05, L("__name__", "go_gc_duration_seconds", "quantile", "1.0", "a", "b")),
            Series("go_gc_duration_seconds { quantile = \"2.0\" a = \"b\" }", 8.3835e-05, L("__name__", "go_gc_duration_seconds", "quantile", "2.0", "a", "b")),
            Series("go_gc_duration_seconds_count", 99, L("__name__", "go_gc_duration_seconds_count")),
            Series("some:aggregate:rate5m{a_b=\"c\"}", 1, L("__name__", "some:aggregate:rate5m", "a_b", "c")),
            Help("go_goroutines", "Number of goroutines that currently exist."),
            TypeOf("go_goroutines", MetricFamilyType.Gauge),
            Series("go_goroutines", 33, L("__name__", "go_goroutines"), 123123),
            TypeOf("some_counter_total", MetricFamilyType.Counter),
            Help("some_counter_total", "Help after type."),
            Series("some_counter_total", 12, L("__name__", "some_counter_total")),
            Help("nohelp3", string.Empty),
            Series("_metric_starting_with_underscore", 1, L("__name__", "_metric_starting_with_underscore")),
            Series("testmetric{_label_starting_with_underscore=\"foo\"}", 1, L("__name__", "testmetric", "_label_starting_with_underscore", "foo")),
            Series("testmetric{label=\"\\\"bar\\\"\"}", 1, L("__name__", "testmetric", "label", "\"bar\"")),
            Series("testmetric{le=\"10\"}", 1, L("__name__", "testmetric", "le", "10")),
            Help("type_and_unit_test1", "Type specified in metadata overrides."),
            TypeOf("type_and_unit_test1", MetricFamilyType.Gauge),
            Series("type_and_unit_test1{__type__=\"counter\"}", 123, L("__name__", "type_and_unit_test1", "__type__", "counter")),
            Help("type_and_unit_test2", "Type specified in label."),
            Series("type_and_unit_test2{__type__=\"counter\"}", 123, L("__name__", "type_and_unit_test2", "__type__", "counter")),
            Help("metric", "foo\0bar"),
            Series("null_byte_metric{a=\"abc\0\"}", 1, L("__name__", "null_byte_metric", "a", "abc\0")),
        ];

        AssertEntries(expected, Parse(string.Join('\n', lines)));
    }

    [Fact]
    public void Parses_quoted_utf8_names()
    {
        string[] lines =
        [
            "# HELP \"go.gc_duration_seconds\" A summary of the GC invocation durations.",
            "# \tTYPE \"go.gc_duration_seconds\" summary",
            "{\"go.gc_duration_seconds\",quantile=\"0\"} 4.9351e-05",
            "{\"go.gc_duration_seconds\",quantile=\"0.25\",} 7.424100000000001e-05",
            "{\"go.gc_duration_seconds\",quantile=\"0.5\",a=\"b\"} 8.3835e-05",
            "{\"go.gc_duration_seconds\",quantile=\"0.8\", a=\"b\"} 8.3835e-05",
            "{\"go.gc_duration_seconds\", quantile=\"0.9\", a=\"b\"} 8.3835e-05",
            "{\"go.gc_duration_seconds\", quantile=\"1.0\", a=\"b\" } 8.3835e-05",
            "{ \"go.gc_duration_seconds\", quantile=\"1.0\", a=\"b\" } 8.3835e-05",
            "{ \"go.gc_duration_seconds\", quantile= \"1.0\", a= \"b\", } 8.3835e-05",
            "{ \"go.gc_duration_seconds\", quantile = \"1.0\", a = \"b\" } 8.3835e-05",
            "{\"go.gc_duration_seconds_count\"} 99",
            "{\"Heizölrückstoßabdämpfung 10€ metric with \\\"interesting\\\" {character\\nchoices}\",\"strange©™\\n'quoted' \\\"name\\\"\"=\"6\"} 10.0",
        ];
        const string Name = "go.gc_duration_seconds";

        List<ParsedEntry> expected =
        [
            Help(Name, "A summary of the GC invocation durations."),
            TypeOf(Name, MetricFamilyType.Summary),
            Series("{\"go.gc_duration_seconds\",quantile=\"0\"}", 4.9351e-05, L("__name__", Name, "quantile", "0.0")),
            Series("{\"go.gc_duration_seconds\",quantile=\"0.25\",}", 7.424100000000001e-05, L("__name__", Name, "quantile", "0.25")),
            Series("{\"go.gc_duration_seconds\",quantile=\"0.5\",a=\"b\"}", 8.3835e-05, L("__name__", Name, "quantile", "0.5", "a", "b")),
            Series("{\"go.gc_duration_seconds\",quantile=\"0.8\", a=\"b\"}", 8.3835e-05, L("__name__", Name, "quantile", "0.8", "a", "b")),
            Series("{\"go.gc_duration_seconds\", quantile=\"0.9\", a=\"b\"}", 8.3835e-05, L("__name__", Name, "quantile", "0.9", "a", "b")),
            Series("{\"go.gc_duration_seconds\", quantile=\"1.0\", a=\"b\" }", 8.3835e-05, L("__name__", Name, "quantile", "1.0", "a", "b")),
            Series("{ \"go.gc_duration_seconds\", quantile=\"1.0\", a=\"b\" }", 8.3835e-05, L("__name__", Name, "quantile", "1.0", "a", "b")),
            Series("{ \"go.gc_duration_seconds\", quantile= \"1.0\", a= \"b\", }", 8.3835e-05, L("__name__", Name, "quantile", "1.0", "a", "b")),
            Series("{ \"go.gc_duration_seconds\", quantile = \"1.0\", a = \"b\" }", 8.3835e-05, L("__name__", Name, "quantile", "1.0", "a", "b")),
            Series("{\"go.gc_duration_seconds_count\"}", 99, L("__name__", "go.gc_duration_seconds_count")),
            Series(
                "{\"Heizölrückstoßabdämpfung 10€ metric with \\\"interesting\\\" {character\\nchoices}\",\"strange©™\\n'quoted' \\\"name\\\"\"=\"6\"}",
                10,
                L("__name__", "Heizölrückstoßabdämpfung 10€ metric with \"interesting\" {character\nchoices}", "strange©™\n'quoted' \"name\"", "6")),
        ];

        AssertEntries(expected, Parse(string.Join('\n', lines)));
    }

    public static TheoryData<string, string> ErrorCases => new()
    {
        { "a", "expected value after metric, got \"\\n\" (\"INVALID\") while parsing: \"a\\n\"" },
        { "a{b='c'} 1\n", "expected label value, got \"'\" (\"INVALID\") while parsing: \"a{b='\"" },
        { "a{b=\n", "expected label value, got \"\\n\" (\"INVALID\") while parsing: \"a{b=\\n\"" },
        { "a{\xff=\"foo\"} 1\n", "expected label name, got \"\\xff\" (\"INVALID\") while parsing: \"a{\\xff\"" },
        { "a{b=\"\xff\"} 1\n", "invalid UTF-8 label value: \"\\\"\\xff\\\"\"" },
        { "{\"a\", \"b = \"c\"}", "expected equal, got \"c\\\"\" (\"LNAME\") while parsing: \"{\\\"a\\\", \\\"b = \\\"c\\\"\"" },
        { "{\"a\",b\\nc=\"d\"} 1", "expected equal, got \"\\\\\" (\"INVALID\") while parsing: \"{\\\"a\\\",b\\\\\"" },
        { "a true\n", "strconv.ParseFloat: parsing \"true\": invalid syntax while parsing: \"a true\"" },
        { "something_weird{problem=\"", "expected label value, got \"\\\"\\n\" (\"INVALID\") while parsing: \"something_weird{problem=\\\"\\n\"" },
        { "empty_label_name{=\"\"} 0", "expected label name, got \"=\\\"\" (\"EQUAL\") while parsing: \"empty_label_name{=\\\"\"" },
        { "{A}0", "expected equal, got \"}0\" (\"BCLOSE\") while parsing: \"{A}0\"" },
        { "foo 1_2\n", "unsupported character in float while parsing: \"foo 1_2\"" },
        { "foo 0x1p-3\n", "unsupported character in float while parsing: \"foo 0x1p-3\"" },
        { "foo 0x1P-3\n", "unsupported character in float while parsing: \"foo 0x1P-3\"" },
        { "foo 0 1_2\n", "expected next entry after timestamp, got \"_\" (\"INVALID\") while parsing: \"foo 0 1_\"" },
        { "{a=\"ok\"} 1", "metric name not set while parsing: \"{a=\\\"ok\\\"} 1\"" },
        { "# TYPE #\n#EOF\n", "expected metric name after TYPE, got \"#\" (\"INVALID\") while parsing: \"# TYPE #\"" },
        { "# HELP #\n#EOF\n", "expected metric name after HELP, got \"#\" (\"INVALID\") while parsing: \"# HELP #\"" },

        // Null bytes (TestPromNullByteHandling).
        { "a{b=\0\"ssss\"} 1\n", "expected label value, got \"\\x00\" (\"INVALID\") while parsing: \"a{b=\\x00\"" },
        { "a{b=\"\0", "expected label value, got \"\\\"\\x00\\n\" (\"INVALID\") while parsing: \"a{b=\\\"\\x00\\n\"" },
        { "a{b\0=\"hiih\"}\t1", "expected equal, got \"\\x00\" (\"INVALID\") while parsing: \"a{b\\x00\"" },
        { "a\0{b=\"ddd\"} 1", "expected value after metric, got \"\\x00\" (\"INVALID\") while parsing: \"a\\x00\"" },
        { "a 0 1\0", "expected next entry after timestamp, got \"\\x00\" (\"INVALID\") while parsing: \"a 0 1\\x00\"" },

        // Ours: Go's number errors and metadata.
        { "a 1e400\n", "strconv.ParseFloat: parsing \"1e400\": value out of range while parsing: \"a 1e400\"" },
        { "a 1 99999999999999999999\n", "strconv.ParseInt: parsing \"99999999999999999999\": value out of range while parsing: \"a 1 99999999999999999999\"" },
        { "# TYPE a gaugehistogram\n", "invalid metric type \"gaugehistogram\"" },
        { "# TYPE a counter \n", "invalid metric type \"counter \"" },
        { "a 1 -1\n", "expected timestamp or new record, got \"-\" (\"INVALID\") while parsing: \"a 1 -\"" },
        { "{\"a\",\"b\"} 1\n", "metric name already set while parsing: \"{\\\"a\\\",\\\"b\\\"}\"" },
        { "a{\"b\"} 1\n", "metric name already set while parsing: \"a{\\\"b\\\"}\"" },
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Reports_errors_in_prometheus_words(string input, string reason)
    {
        // Latin-1 keeps bytes such as \xff as single invalid bytes, as Go string literals do.
        Assert.Equal(reason, ParseError(new PrometheusTextParser(Encoding.Latin1.GetBytes(input))));
    }

    [Theory]
    [InlineData("null_byte_metric{a=\"abc\0\"} 1")]
    [InlineData("a{b=\"\0ss\"} 1\n")]
    [InlineData("a{b=\"\0\"} 1\n")]
    public void Allows_null_bytes_in_label_values(string input)
    {
        var entries = ParseBytes(Encoding.Latin1.GetBytes(input));
        Assert.Single(entries);
    }

    [Fact]
    public void A_bare_identifier_in_braces_is_an_error_not_a_crash()
    {
        Assert.Equal(
            "expected equal, got \"} \" (\"BCLOSE\") while parsing: \"{A} \"",
            ParseError(new PrometheusTextParser("{A} 0\n"u8.ToArray())));
    }

    [Fact]
    public void Errors_name_the_line()
    {
        var parser = new PrometheusTextParser("# HELP a x\na 1\n\nb{c=\"d\" 2\n"u8.ToArray());
        var e = Assert.Throws<ExpositionParseException>(() => ParseAll(parser));
        Assert.Equal(4, e.Line);
        Assert.StartsWith("line 4: expected label name, got \"2\"", e.Message, StringComparison.Ordinal);

        // Later calls report the same failure.
        Assert.Same(e, Assert.Throws<ExpositionParseException>(() => parser.Next()));
    }

    [Fact]
    public void Reports_the_current_line_and_raw_spans()
    {
        var parser = new PrometheusTextParser("# HELP a x\n\na{b=\"c\\\\d\",e=\"\"} 1 5\n"u8.ToArray());
        Assert.Equal(ExpositionEntry.Help, parser.Next());
        Assert.Equal(1, parser.Line);
        Assert.Equal(ExpositionEntry.Series, parser.Next());
        Assert.Equal(3, parser.Line);
        Assert.Equal("a{b=\"c\\\\d\",e=\"\"}"u8, parser.Series);
        Assert.Equal("a"u8, parser.RawMetricName);
        Assert.Equal(2, parser.LabelCount);
        Assert.Equal("b"u8, parser.GetRawLabelName(0));
        Assert.Equal("c\\\\d"u8, parser.GetRawLabelValue(0));
        Assert.Equal(""u8, parser.GetRawLabelValue(1));
        Assert.Equal(5, parser.Timestamp);

        // Empty values are absent, escapes undone.
        Assert.Equal(L("__name__", "a", "b", "c\\d"), parser.GetLabelSet());
        var builder = new LabelSetBuilder().Set("stale", "x");
        parser.CopyLabelsTo(builder);
        Assert.Equal(L("__name__", "a", "b", "c\\d"), builder.Build());
        Assert.Equal(ExpositionEntry.Eof, parser.Next());
        Assert.Equal(ExpositionEntry.Eof, parser.Next());
    }

    [Fact]
    public void Help_keeps_escaped_quotes_and_undoes_backslash_and_newline()
    {
        var parser = new PrometheusTextParser("# HELP m a \\\\ b \\n c \\\" d\n"u8.ToArray());
        Assert.Equal(ExpositionEntry.Help, parser.Next());
        Assert.Equal("a \\ b \n c \\\" d", parser.GetHelp());
    }

    [Fact]
    public void Duplicate_label_names_are_reported_when_labels_are_built()
    {
        var parser = new PrometheusTextParser("a{b=\"1\",b=\"2\"} 1\n"u8.ToArray());
        Assert.Equal(ExpositionEntry.Series, parser.Next());
        Assert.False(parser.TryGetLabelSet(out _, out var error));
        Assert.Equal("label name \"b\" is not unique", error);
        var e = Assert.Throws<ExpositionParseException>(() => parser.GetLabelSet());
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void Nan_is_prometheus_normal_nan_and_specials_parse()
    {
        var parser = new PrometheusTextParser("a NaN\nb +Inf\nc -Inf\nd Inf\ne -infinity\nf nan\n"u8.ToArray());
        var values = new List<double>();
        while (parser.Next() == ExpositionEntry.Series)
        {
            values.Add(parser.Value);
        }

        Assert.Equal(StaleMarker.NormalNaNBits, BitConverter.DoubleToUInt64Bits(values[0]));
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, double.NegativeInfinity], values[1..5]);
        Assert.Equal(StaleMarker.NormalNaNBits, BitConverter.DoubleToUInt64Bits(values[5]));
    }

    [Fact]
    public void A_nul_at_the_start_of_a_line_ends_the_input_as_upstream()
    {
        Assert.Single(ParseBytes("a 1\n\0b 2\n"u8.ToArray()));
    }

    [Fact]
    public void Reset_reuses_the_parser()
    {
        var parser = new PrometheusTextParser("# TYPE a counter\na 1\n"u8.ToArray());
        Assert.Equal(2, ParseAll(parser).Count);
        parser.Reset("b 2"u8.ToArray());
        Assert.Equal([Series("b", 2, L("__name__", "b"))], ParseAll(parser));
        Assert.Equal(MetricFamilyType.Unknown, parser.Type);
    }
}
