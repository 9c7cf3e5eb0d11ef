using BenchmarkDotNet.Attributes;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Benchmarks.PromQL;

/// <summary>
/// Parsing (lex, parse, type-check) a fixed set of typical Grafana dashboard queries (node
/// exporter, Kubernetes, HTTP RED panels), one operation per query set, plus printing them back;
/// and parsing the query set that <see cref="PromqlEvalBenchmarks"/> evaluates.
/// </summary>
[MemoryDiagnoser]
public class PromqlParserBenchmarks
{
    private static readonly string[] GrafanaQueries =
    [
        "up",
        "up{job=\"node\"} == 0",
        "rate(node_cpu_seconds_total{mode!=\"idle\",instance=~\"$instance\"}[5m])",
        "100 - (avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])) * 100)",
        "node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes - node_memory_Buffers_bytes - node_memory_Cached_bytes",
        "1 - (node_filesystem_avail_bytes{fstype!~\"tmpfs|overlay\"} / node_filesystem_size_bytes{fstype!~\"tmpfs|overlay\"})",
        "sum by (device) (rate(node_network_receive_bytes_total{device!~\"lo|veth.*\"}[$__rate_interval]))".Replace("$__rate_interval", "1m", StringComparison.Ordinal),
        "histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket{job=\"api\"}[5m])))",
        "sum(rate(http_requests_total{code=~\"5..\"}[5m])) / sum(rate(http_requests_total[5m]))",
        "topk(10, sum by (pod) (container_memory_working_set_bytes{namespace=\"default\",container!=\"\"}))",
        "sum by (namespace) (kube_pod_container_resource_requests{resource=\"cpu\"}) / on (namespace) group_left sum by (namespace) (kube_resourcequota{resource=\"requests.cpu\",type=\"hard\"})",
        "increase(kube_pod_container_status_restarts_total[1h]) > 3",
        "max_over_time(rate(process_cpu_seconds_total[1m])[1h:1m])",
        "label_replace(up, \"host\", \"$1\", \"instance\", \"([^:]+):.*\")",
        "absent(up{job=\"alertmanager\"}) or vector(0)",
        "predict_linear(node_filesystem_free_bytes{mountpoint=\"/\"}[6h], 4 * 3600) < 0",
        "count by (version) (prometheus_build_info offset 1d)",
        "avg_over_time(probe_success{job=\"blackbox\"}[1d]) * 100",
        "sum without (instance, pod) (rate(grpc_server_handled_total{grpc_code!=\"OK\"}[5m])) > bool 0",
        "quantile_over_time(0.95, scrape_duration_seconds[30m] @ end())",
    ];

    private Expr[] _parsed = [];

    [GlobalSetup]
    public void Setup() => _parsed = GrafanaQueries.Select(q => Parser.ParseExpr(q)).ToArray();

    [Benchmark(Description = "parse 20 Grafana queries")]
    public int Parse()
    {
        var n = 0;
        foreach (var q in GrafanaQueries)
        {
            n += Parser.ParseExpr(q).Position.End;
        }

        return n;
    }

    [Benchmark(Description = "parse the 22 evaluation-benchmark queries")]
    public int ParseEvaluationSet()
    {
        var n = 0;
        foreach (var q in PromqlBenchmarkQueries.All)
        {
            n += Parser.ParseExpr(q.Query).Position.End;
        }

        return n;
    }

    [Benchmark(Description = "tokenize 20 Grafana queries")]
    public int Tokenize()
    {
        var n = 0;
        foreach (var q in GrafanaQueries)
        {
            var lexer = new Lexer(q);
            while (lexer.Next().Kind is not (TokenKind.Eof or TokenKind.Error))
            {
                n++;
            }
        }

        return n;
    }

    [Benchmark(Description = "format 20 Grafana queries")]
    public int Format()
    {
        var n = 0;
        foreach (var e in _parsed)
        {
            n += Printer.Format(e).Length;
        }

        return n;
    }
}
