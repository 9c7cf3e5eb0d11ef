using System.Net;
using System.Text;
using System.Text.Json;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>The API's shapes, parameters and error texts, in memory over known series (<see cref="ApiTestApp"/>).</summary>
public sealed class ApiEndpointsTests(ApiTestApp app) : IClassFixture<ApiTestApp>
{
    /// <summary>T0 + 150 s + 123 ms: test_metric{job="a"} is 10 there.</summary>
    private const string At10 = "1700000150.123";

    [Theory]
    [InlineData("api/v1/query?query=1%20%2B", 400, "bad_data", "invalid parameter \"query\": 1:4: parse error: unexpected end of input")]
    [InlineData("api/v1/query?query=up&time=x", 400, "bad_data", "invalid parameter \"time\": invalid time value for 'time': cannot parse \"x\" to a valid timestamp")]
    [InlineData("api/v1/query?query=up&limit=-1", 400, "bad_data", "invalid parameter \"limit\": limit must be non-negative")]
    [InlineData("api/v1/query?query=up&limit=x", 400, "bad_data", "invalid parameter \"limit\": strconv.Atoi: parsing \"x\": invalid syntax")]
    [InlineData("api/v1/query?query=up&timeout=x", 400, "bad_data", "invalid parameter \"timeout\": cannot parse \"x\" to a valid duration")]
    [InlineData("api/v1/query?query=up&lookback_delta=x", 400, "bad_data", "error parsing lookback delta duration: cannot parse \"x\" to a valid duration")]
    [InlineData("api/v1/query_range?query=up&start=x&end=1&step=1", 400, "bad_data", "invalid parameter \"start\": cannot parse \"x\" to a valid timestamp")]
    [InlineData("api/v1/query_range?query=up&start=1&end=y&step=1", 400, "bad_data", "invalid parameter \"end\": cannot parse \"y\" to a valid timestamp")]
    [InlineData("api/v1/query_range?query=up&start=10&end=5&step=1", 400, "bad_data", "invalid parameter \"end\": end timestamp must not be before start time")]
    [InlineData("api/v1/query_range?query=up&start=1&end=5&step=x", 400, "bad_data", "invalid parameter \"step\": cannot parse \"x\" to a valid duration")]
    [InlineData("api/v1/query_range?query=up&start=1&end=5&step=0", 400, "bad_data", "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer")]
    [InlineData("api/v1/query_range?query=up&start=1&end=5&step=-1m", 400, "bad_data", "invalid parameter \"step\": cannot parse \"-1m\" to a valid duration")]
    [InlineData("api/v1/query_range?query=up&start=0&end=11001&step=1", 400, "bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")]
    [InlineData("api/v1/query_range?query=up[5m]&start=0&end=10&step=1", 400, "bad_data", "invalid parameter \"query\": invalid expression type \"range vector\" for range query, must be Scalar or instant Vector")]
    [InlineData("api/v1/query?query=label_replace(test_metric,\"job\",\"same\",\"\",\"\")&time=" + At10, 422, "execution", "vector cannot contain metrics with the same labelset")]
    [InlineData("api/v1/series", 400, "bad_data", "no match[] parameter provided")]
    [InlineData("api/v1/series?match[]={foo=\"\"}", 400, "bad_data", "invalid parameter \"match[]\": match[] must contain at least one non-empty matcher")]
    [InlineData("api/v1/series?match[]=up&start=x", 400, "bad_data", "invalid parameter \"start\": invalid time value for 'start': cannot parse \"x\" to a valid timestamp")]
    [InlineData("api/v1/labels?match[]=up{", 400, "bad_data", "1:4: parse error: unexpected end of input inside braces")]
    [InlineData("api/v1/label/job/values?end=x", 400, "bad_data", "invalid parameter \"end\": invalid time value for 'end': cannot parse \"x\" to a valid timestamp")]
    [InlineData("api/v1/metadata?limit=x", 400, "bad_data", "limit must be a number")]
    [InlineData("api/v1/targets/metadata?limit=x", 400, "bad_data", "limit must be a number")]
    [InlineData("api/v1/rules?type=x", 400, "bad_data", "invalid parameter \"type\": not supported value \"x\"")]
    [InlineData("api/v1/status/tsdb?limit=0", 400, "bad_data", "limit must be a positive number")]
    [InlineData("api/v1/query_exemplars?query=up&start=10&end=5", 400, "bad_data", "end timestamp must not be before start timestamp")]
    [InlineData("api/v1/format_query?query=sum(", 400, "bad_data", "invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis")]
    public async Task Bad_requests_get_Prometheus_error_types_and_texts(string relative, int status, string errorType, string error)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri(relative, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("error", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(errorType, json.RootElement.GetProperty("errorType").GetString());
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_query_past_its_timeout_is_503_timeout()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri($"api/v1/query?query=sum(test_metric)&time={At10}&timeout=0", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("timeout", json.RootElement.GetProperty("errorType").GetString());
    }

    [Theory]
    [InlineData("test_metric{job=\"a\"}", "{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":\"test_metric\",\"instance\":\"x\",\"job\":\"a\"},\"value\":[1700000150.123,\"10\"]}]}")]
    [InlineData("test_metric{job=\"a\"} / 0", "{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"instance\":\"x\",\"job\":\"a\"},\"value\":[1700000150.123,\"+Inf\"]}]}")]
    [InlineData("-test_metric{job=\"a\"} / 0", "{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"instance\":\"x\",\"job\":\"a\"},\"value\":[1700000150.123,\"-Inf\"]}]}")]
    [InlineData("(test_metric{job=\"a\"} - 10) / 0", "{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"instance\":\"x\",\"job\":\"a\"},\"value\":[1700000150.123,\"NaN\"]}]}")]
    [InlineData("test_metric{job=\"a\"} * 1e21", "{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"instance\":\"x\",\"job\":\"a\"},\"value\":[1700000150.123,\"1e+22\"]}]}")]
    [InlineData("0.0000001", "{\"resultType\":\"scalar\",\"result\":[1700000150.123,\"1e-07\"]}")]
    [InlineData("123456789012345678", "{\"resultType\":\"scalar\",\"result\":[1700000150.123,\"123456789012345680\"]}")]
    [InlineData("\"a\\\"b\"", "{\"resultType\":\"string\",\"result\":[1700000150.123,\"a\\\"b\"]}")]
    [InlineData("test_metric{job=\"b\"}[40s]", "{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"__name__\":\"test_metric\",\"instance\":\"x\",\"job\":\"b\"},\"values\":[[1700000120,\"16\"],[1700000135,\"18\"],[1700000150,\"20\"]]}]}")]
    public async Task Instant_results_have_Prometheus_json(string query, string data)
    {
        using var client = app.CreateClient();
        var body = await client.GetStringAsync(new Uri($"api/v1/query?query={Uri.EscapeDataString(query)}&time={At10}", UriKind.Relative));
        Assert.Equal("{\"status\":\"success\",\"data\":" + data + "}", body);
    }

    [Fact]
    public async Task Range_queries_accept_rfc3339_and_duration_steps_by_POST()
    {
        using var client = app.CreateClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["query"] = "sum(test_metric)",
            ["start"] = "2023-11-14T22:14:20Z",
            ["end"] = "2023-11-14T22:15:20.000Z",
            ["step"] = "30s",
        });
        using var response = await client.PostAsync(new Uri("api/v1/query_range", UriKind.Relative), form);
        Assert.Equal(
            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1700000060,\"12\"],[1700000090,\"18\"],[1700000120,\"24\"]]}]}}",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_range_query_of_exactly_11000_points_is_accepted()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri("api/v1/query_range?query=1&start=0&end=11000&step=1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Limit_truncates_with_a_warning_and_infos_come_as_an_array()
    {
        using var client = app.CreateClient();
        using var limited = JsonDocument.Parse(await client.GetStringAsync(new Uri($"api/v1/query?query=test_metric&time={At10}&limit=1", UriKind.Relative)));
        Assert.Equal(1, limited.RootElement.GetProperty("data").GetProperty("result").GetArrayLength());
        Assert.Equal("results truncated due to limit", limited.RootElement.GetProperty("warnings")[0].GetString());
        Assert.False(limited.RootElement.TryGetProperty("infos", out _));

        using var info = JsonDocument.Parse(await client.GetStringAsync(new Uri($"api/v1/query?query=rate(test_metric[1m])&time={At10}", UriKind.Relative)));
        Assert.False(info.RootElement.TryGetProperty("warnings", out _));
        Assert.Equal(
            "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"test_metric\" (1:6)",
            info.RootElement.GetProperty("infos")[0].GetString());
    }

    [Fact]
    public async Task Stats_and_lookback_delta_are_honoured()
    {
        using var client = app.CreateClient();

        // 100 s after the last sample: found with the default 5m lookback, not with 1m.
        var late = (ApiTestApp.T0 / 1000) + (39 * 15) + 100;
        using var found = JsonDocument.Parse(await client.GetStringAsync(new Uri($"api/v1/query?query=test_metric&time={late}&stats=true", UriKind.Relative)));
        Assert.Equal(2, found.RootElement.GetProperty("data").GetProperty("result").GetArrayLength());
        Assert.True(found.RootElement.GetProperty("data").GetProperty("stats").GetProperty("timings").TryGetProperty("evalTotalTime", out _));
        using var missed = JsonDocument.Parse(await client.GetStringAsync(new Uri($"api/v1/query?query=test_metric&time={late}&lookback_delta=1m", UriKind.Relative)));
        Assert.Equal(0, missed.RootElement.GetProperty("data").GetProperty("result").GetArrayLength());
    }

    [Fact]
    public async Task An_oversized_form_body_is_a_400_not_a_crash()
    {
        using var client = app.CreateClient();
        using var content = new StringContent("query=" + new string('1', 11 << 20), Encoding.ASCII, "application/x-www-form-urlencoded");
        using var response = await client.PostAsync(new Uri("api/v1/query", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("bad_data", json.RootElement.GetProperty("errorType").GetString());
        Assert.StartsWith("error parsing form values", json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/v1/series?match[]=test_metric", "[{\"__name__\":\"test_metric\",\"instance\":\"x\",\"job\":\"a\"},{\"__name__\":\"test_metric\",\"instance\":\"x\",\"job\":\"b\"}]")]
    [InlineData("api/v1/series?match[]=test_metric{job=\"b\"}&match[]=test_metric", "[{\"__name__\":\"test_metric\",\"instance\":\"x\",\"job\":\"a\"},{\"__name__\":\"test_metric\",\"instance\":\"x\",\"job\":\"b\"}]")]
    [InlineData("api/v1/series?match[]=test_metric&start=1600000000&end=1600000100", "[]")]
    [InlineData("api/v1/labels?match[]=test_metric", "[\"__name__\",\"instance\",\"job\"]")]
    [InlineData("api/v1/label/job/values?match[]=test_metric", "[\"a\",\"b\"]")]
    [InlineData("api/v1/label/U__jo_62_/values?match[]=test_metric", "[\"a\",\"b\"]")]
    [InlineData("api/v1/metadata", "{}")]
    [InlineData("api/v1/targets/metadata?match_target={job=\"x\"}", "[]")]
    [InlineData("api/v1/rules", "{\"groups\":[]}")]
    [InlineData("api/v1/alerts", "{\"alerts\":[]}")]
    [InlineData("api/v1/query_exemplars?query=test_metric", "[]")]
    [InlineData("api/v1/format_query?query=sum(rate(x[5m]))by(job)", "\"sum by (job) (rate(x[5m]))\"")]
    public async Task Data_has_Prometheus_shapes(string relative, string data)
    {
        using var client = app.CreateClient();
        var body = await client.GetStringAsync(new Uri(relative, UriKind.Relative));
        Assert.Equal("{\"status\":\"success\",\"data\":" + data + "}", body);
    }

    [Fact]
    public async Task Exemplars_of_a_query_without_selectors_are_204()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri("api/v1/query_exemplars?query=1%2B1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Parse_query_gives_the_ast_as_Prometheus_3()
    {
        using var client = app.CreateClient();
        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri(
            "api/v1/parse_query?query=" + Uri.EscapeDataString("sum by (job) (rate(x{a=~\"b\"}[5m] offset 1m)) > bool on(job) group_left(c) y @ start()"), UriKind.Relative)));
        var root = json.RootElement.GetProperty("data");
        Assert.Equal("binaryExpr", root.GetProperty("type").GetString());
        Assert.Equal(">", root.GetProperty("op").GetString());
        Assert.True(root.GetProperty("bool").GetBoolean());
        var matching = root.GetProperty("matching");
        Assert.Equal("many-to-one", matching.GetProperty("card").GetString());
        Assert.Equal("job", matching.GetProperty("labels")[0].GetString());
        Assert.Equal("c", matching.GetProperty("include")[0].GetString());
        var sum = root.GetProperty("lhs");
        Assert.Equal("aggregation", sum.GetProperty("type").GetString());
        Assert.Equal("sum", sum.GetProperty("op").GetString());
        Assert.Equal(JsonValueKind.Null, sum.GetProperty("param").ValueKind);
        var call = sum.GetProperty("expr");
        Assert.Equal("call", call.GetProperty("type").GetString());
        Assert.Equal("rate", call.GetProperty("func").GetProperty("name").GetString());
        Assert.Equal("matrix", call.GetProperty("func").GetProperty("argTypes")[0].GetString());
        Assert.Equal("vector", call.GetProperty("func").GetProperty("returnType").GetString());
        var matrix = call.GetProperty("args")[0];
        Assert.Equal("matrixSelector", matrix.GetProperty("type").GetString());
        Assert.Equal(300_000, matrix.GetProperty("range").GetInt64());
        Assert.Equal(60_000, matrix.GetProperty("offset").GetInt64());
        Assert.Equal("=~", matrix.GetProperty("matchers")[0].GetProperty("type").GetString());
        var rhs = root.GetProperty("rhs");
        Assert.Equal("vectorSelector", rhs.GetProperty("type").GetString());
        Assert.Equal("start", rhs.GetProperty("startOrEnd").GetString());
    }

    [Fact]
    public async Task Status_endpoints_have_Prometheus_shapes_and_the_config_hides_secrets()
    {
        using var client = app.CreateClient();
        using var config = JsonDocument.Parse(await client.GetStringAsync(new Uri("api/v1/status/config", UriKind.Relative)));
        var yaml = config.RootElement.GetProperty("data").GetProperty("yaml").GetString()!;
        Assert.Contains("region: eu", yaml, StringComparison.Ordinal);
        Assert.Contains("<secret>", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-password", yaml, StringComparison.Ordinal);

        using var flags = JsonDocument.Parse(await client.GetStringAsync(new Uri("api/v1/status/flags", UriKind.Relative)));
        Assert.Equal("5m", flags.RootElement.GetProperty("data").GetProperty("query.lookback-delta").GetString());

        using var runtime = JsonDocument.Parse(await client.GetStringAsync(new Uri("api/v1/status/runtimeinfo", UriKind.Relative)));
        foreach (var field in new[] { "startTime", "CWD", "hostname", "serverTime", "reloadConfigSuccess", "lastConfigTime", "corruptionCount", "goroutineCount", "GOMAXPROCS", "GOMEMLIMIT", "GOGC", "GODEBUG", "storageRetention" })
        {
            Assert.True(runtime.RootElement.GetProperty("data").TryGetProperty(field, out _), field);
        }

        using var tsdb = JsonDocument.Parse(await client.GetStringAsync(new Uri("api/v1/status/tsdb?limit=1", UriKind.Relative)));
        var data = tsdb.RootElement.GetProperty("data");
        Assert.True(data.GetProperty("headStats").GetProperty("numSeries").GetInt64() >= 4);
        Assert.Equal(1, data.GetProperty("seriesCountByMetricName").GetArrayLength());
        foreach (var list in new[] { "labelValueCountByLabelName", "memoryInBytesByLabelName", "seriesCountByLabelValuePair" })
        {
            Assert.Equal(1, data.GetProperty(list).GetArrayLength());
        }
    }

    [Fact]
    public async Task Federate_gives_the_latest_samples_in_the_text_format_with_external_labels()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri("federate?match[]=federate_metric&match[]={__name__=~\"federate_.*|another_metric\",job=\"a\"}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var t = app.FederateTimeMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            "# TYPE another_metric untyped\n" +
            $"another_metric{{job=\"a\",instance=\"\",region=\"eu\"}} 2 {t}\n" +
            "# TYPE federate_metric untyped\n" +
            $"federate_metric{{instance=\"x\",job=\"a\",region=\"eu\"}} 1.234567e+06 {t}\n" +
            $"federate_metric{{job=\"b\",path=\"a\\\"b\",instance=\"\",region=\"eu\"}} 0.5 {t}\n",
            await response.Content.ReadAsStringAsync());

        using var none = await client.GetAsync(new Uri("federate", UriKind.Relative));
        Assert.Equal(string.Empty, await none.Content.ReadAsStringAsync());
        using var bad = await client.GetAsync(new Uri("federate?match[]=up{", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
