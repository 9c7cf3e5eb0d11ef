using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Import;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// <c>import openmetrics &lt;file&gt; [--max-batch-samples N] [--parallelism N] [--no-compact] [settings]</c>:
/// the counterpart of <c>promtool tsdb create-blocks-from openmetrics</c>. Stores the file in the
/// configured storage (the same settings as the server: local disk <c>./data</c> by default,
/// <c>--storage.tsdb.path=dir</c>, or <c>--Storage:Provider=AzureStorage</c>), with a progress bar
/// on a terminal, plain progress lines otherwise, and a summary. Exit codes: 0 imported,
/// 1 bad input or storage failure, 2 usage or configuration error.
/// </summary>
internal static class ImportCommand
{
    public const string Name = "import";

    public static Command Create(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var defaults = new ImportOptions();
        var file = new Argument<string>("file")
        {
            Description = "An OpenMetrics text file: every sample with a timestamp, # EOF at the end. Relative to the working directory.",
        };
        var maxBatchSamples = PositiveNumber("--max-batch-samples", $"Samples gathered per stored batch (default {defaults.MaxBatchSamples}).");
        var parallelism = PositiveNumber("--parallelism", $"Batches stored at once while the file is read (default {defaults.IngestParallelism}).");
        var noCompact = new Option<bool>("--no-compact") { Description = "Leave the stored batches uncompacted." };
        var openMetrics = new Command(
            "openmetrics",
            "Store an OpenMetrics file in the configured storage, as promtool tsdb create-blocks-from openmetrics does; re-importing it stores nothing twice.")
        {
            file, maxBatchSamples, parallelism, noCompact,
        };
        openMetrics.SetAction((parseResult, cancellationToken) =>
        {
            var options = defaults with { Compact = !parseResult.GetValue(noCompact) };
            if (parseResult.GetResult(maxBatchSamples) is not null)
            {
                options = options with { MaxBatchSamples = parseResult.GetValue(maxBatchSamples) };
            }

            if (parseResult.GetResult(parallelism) is not null)
            {
                options = options with { IngestParallelism = parseResult.GetValue(parallelism) };
            }

            return RunAsync(parseResult.GetRequiredValue(file), options, context.HostArgs(parseResult), context, cancellationToken);
        });

        return new Command(Name, "Store samples from a file in the configured storage: import openmetrics <file>.") { openMetrics };
    }

    private static Option<int> PositiveNumber(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1)
            {
                return value;
            }

            result.AddError($"{name} must be a positive integer, not '{text}'");
            return 0;
        },
    };

    private static async Task<int> RunAsync(string file, ImportOptions options, string[] hostArgs, CommandContext context, CancellationToken cancellationToken)
    {
        var (output, error) = (context.Output, context.Error);
        if (!File.Exists(file))
        {
            await error.WriteLineAsync($"import: {file}: no such file");
            return MonitoringCommandLine.UsageError;
        }

        await using var app = MonitoringHost.Build(hostArgs);
        StorageOptions storage;
        IStorageProvider provider;
        try
        {
            storage = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
            provider = app.Services.GetRequiredService<IStorageProvider>();
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync("import: the storage configuration is invalid:");
            foreach (var failure in ex.Failures)
            {
                await error.WriteLineAsync("  " + failure);
            }

            return MonitoringCommandLine.UsageError;
        }

        var target = storage.Provider == StorageProvider.LocalDisk
            ? $"local disk {Path.GetFullPath(storage.LocalPath)}"
            : $"Azure Storage (connection {storage.Connection})";
        var progress = new ProgressReporter(output, context.Interactive);
        await output.WriteLineAsync($"Importing {file} into {target}");

        // A bulk job: no background (concurrent) GC competing with parsing and encoding for the
        // cores; pauses do not matter here. About 5% less CPU on the benchmark dataset.
        var latency = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.Batch;
        try
        {
            var engine = await StorageEngine.OpenAsync(provider, storage.ToEngineOptions(), cancellationToken: cancellationToken);
            var importer = new OpenMetricsImporter(engine, options with { Progress = progress.Report });
            var result = await importer.ImportFileAsync(file, cancellationToken);
            progress.Finish();
            await output.WriteLineAsync(Summary(file, result));
            return 0;
        }
        catch (ImportException ex)
        {
            progress.Finish();
            await error.WriteLineAsync($"import: {ex.FileName}: line {ex.Line}: {ex.Reason}");
            await error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"import: stopped; {ex.SamplesStored:N0} samples in {ex.BlocksStored} blocks were stored before the error (whole batches only, all valid; importing the corrected file does not store them twice)."));
            return 1;
        }
        catch (Exception ex) when (ex is StorageException or IOException or UnauthorizedAccessException)
        {
            progress.Finish();
            await error.WriteLineAsync($"import: storage failed: {ex.Message}");
            return 1;
        }
        finally
        {
            GCSettings.LatencyMode = latency;
        }
    }

    private static string Summary(string file, ImportResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        var range = r.Samples == 0
            ? "no samples"
            : $"{DateTimeOffset.FromUnixTimeMilliseconds(r.MinTimeMs):u} .. {DateTimeOffset.FromUnixTimeMilliseconds(r.MaxTimeMs):u}";
        return string.Join(
            Environment.NewLine,
            string.Create(inv, $"Imported {file}: {r.Bytes / 1e6:F1} MB in {r.Elapsed.TotalSeconds:F1} s"),
            string.Create(inv, $"  series:   {r.Series:N0}"),
            string.Create(inv, $"  samples:  {r.Samples:N0} read, {r.SamplesStored:N0} stored ({range})"),
            string.Create(inv, $"  blocks:   {r.Blocks} covering the data ({r.Batches} batches: {r.BlocksWritten} level-0 blocks written, {r.BlocksReplayed} already stored; {r.BlocksMerged} merged by compaction)"),
            string.Create(inv, $"  elapsed:  {r.Elapsed.TotalSeconds:F1} s"),
            string.Create(inv, $"  rate:     {r.SamplesPerSecond:N0} samples/s"));
    }

    /// <summary>A redrawn bar on a terminal; otherwise a line per 10 % of the file (or per 10 s).</summary>
    private sealed class ProgressReporter(TextWriter output, bool interactive)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan? _lastDraw;
        private int _lastDecile = -1;
        private bool _drawn;

        public void Report(ImportProgress p)
        {
            var now = _clock.Elapsed;
            var fraction = p.TotalBytes is > 0 and var total ? Math.Min(1.0, (double)p.BytesRead / total) : (double?)null;
            var rate = now.TotalSeconds > 0 ? p.Samples / now.TotalSeconds : 0;
            var inv = CultureInfo.InvariantCulture;
            if (interactive)
            {
                if (_lastDraw is { } last && now - last < TimeSpan.FromMilliseconds(200) && fraction < 1)
                {
                    return;
                }

                _lastDraw = now;
                const int width = 30;
                var filled = (int)Math.Round((fraction ?? 0) * width);
                var bar = new string('#', filled) + new string('.', width - filled);
                output.Write(string.Create(
                    inv,
                    $"\r[{bar}] {(fraction ?? 0) * 100,5:F1}%  {p.BytesRead / 1e6,8:F0}/{(p.TotalBytes ?? 0) / 1e6:F0} MB  {p.Samples,13:N0} samples  {rate,11:N0}/s "));
                _drawn = true;
                return;
            }

            var decile = fraction is { } f ? (int)(f * 10) : (int)(now.TotalSeconds / 10);
            if (decile == _lastDecile)
            {
                return;
            }

            _lastDecile = decile;
            output.WriteLine(string.Create(
                inv,
                $"progress: {p.BytesRead:N0}{(p.TotalBytes is { } t ? $" of {t:N0}" : string.Empty)} bytes ({(fraction ?? 0) * 100:F0}%), {p.Samples:N0} samples, {p.Series:N0} series, {p.SamplesStored:N0} stored, {rate:N0} samples/s"));
        }

        public void Finish()
        {
            if (_drawn)
            {
                output.WriteLine();
                _drawn = false;
            }
        }
    }
}
