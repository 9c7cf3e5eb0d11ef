using System.Diagnostics;
using System.Globalization;
using Serverless.Monitoring.Tests.Dataset;

namespace Serverless.Monitoring.Benchmarks.Dataset;

/// <summary>
/// <c>dataset &lt;file&gt; [--instances N] [--series N] [--hours H] [--interval-seconds S] [--seed N]</c>:
/// writes a <see cref="NodeExporterLikeDataset"/> to a file and prints what it wrote.
/// </summary>
public static class DatasetCommand
{
    public const string Name = "dataset";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 1 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync("usage: dataset <file> [--instances N] [--series N] [--hours H] [--interval-seconds S] [--seed N]");
            return 2;
        }

        var options = new NodeExporterLikeDatasetOptions();
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--instances" => options with { Instances = int.Parse(value, CultureInfo.InvariantCulture) },
                "--series" => options with { SeriesPerInstance = int.Parse(value, CultureInfo.InvariantCulture) },
                "--hours" => options with { Duration = TimeSpan.FromHours(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--interval-seconds" => options with { Interval = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--seed" => options with { Seed = long.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        var dataset = new NodeExporterLikeDataset(options);
        var stopwatch = Stopwatch.StartNew();
        await using (var file = new FileStream(args[0], FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            await dataset.WriteOpenMetricsAsync(file);
        }

        var (min, max) = dataset.TimeRange;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{dataset.SamplesWritten:N0} samples, {dataset.SeriesCount:N0} series, {dataset.BytesWritten:N0} bytes in {stopwatch.Elapsed.TotalSeconds:F1} s; timestamps {DateTimeOffset.FromUnixTimeMilliseconds(min):O} .. {DateTimeOffset.FromUnixTimeMilliseconds(max):O}"));
        return 0;
    }
}
