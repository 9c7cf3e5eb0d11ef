using BenchmarkDotNet.Running;
using Serverless.Monitoring.Benchmarks.Dataset;
using Serverless.Monitoring.Benchmarks.Hosting;
using Serverless.Monitoring.Benchmarks.PromQL;
using Serverless.Monitoring.Benchmarks.Rules;
using Serverless.Monitoring.Benchmarks.Scraping;
using Serverless.Monitoring.Benchmarks.Storage;

namespace Serverless.Monitoring.Benchmarks;

/// <summary>
/// Runs the benchmark classes of this assembly; pick with --filter, e.g. --filter '*ChunkCodec*'.
/// <c>dataset &lt;file&gt; ...</c> writes the storage benchmark's OpenMetrics dataset instead (see <see cref="DatasetCommand"/>);
/// <c>storage-compare ...</c> compares our storage engine with Prometheus 2.42 (see <see cref="StorageCompareCommand"/>);
/// <c>promql-compare ...</c> compares our PromQL engine with Prometheus 2.42 (see <see cref="PromqlCompareCommand"/>);
/// <c>rules-compare ...</c> times 1,000 rules' evaluation on ours and on Prometheus 2.42 (see <see cref="RulesCompareCommand"/>);
/// <c>scrape-load ...</c> scrapes 1,000 loopback targets and reports CPU and memory (see <see cref="ScrapeLoadCommand"/>;
/// it starts its load generator as <c>scrape-load-serve</c>, <see cref="ScrapeLoadServer"/>);
/// <c>cold-start ...</c> times a fresh process's first queries, ReadyToRun against JIT (see <see cref="ColdStartCommand"/>).
/// Namespaced so it does not collide with the function app's global <c>Program</c>.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == DatasetCommand.Name)
        {
            return await DatasetCommand.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == StorageCompareCommand.Name)
        {
            return await StorageCompareCommand.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == PromqlCompareCommand.Name)
        {
            return await PromqlCompareCommand.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == RulesCompareCommand.Name)
        {
            return await RulesCompareCommand.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == ScrapeLoadCommand.Name)
        {
            return await ScrapeLoadCommand.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == ColdStartCommand.Name)
        {
            return await ColdStartCommand.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == ScrapeLoadServer.Name)
        {
            return await ScrapeLoadServer.RunAsync(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
