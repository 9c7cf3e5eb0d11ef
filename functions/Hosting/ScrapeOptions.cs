namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Configuration section <c>Scrape</c>: the <c>prometheus.yml</c> to run (also Prometheus's
/// <c>--config.file</c> flag) and the sample bus between scraping and ingestion.
/// </summary>
internal sealed class ScrapeOptions
{
    public const string SectionName = "Scrape";

    /// <summary>Relative to the working directory, like Prometheus's <c>--config.file</c>.</summary>
    public string ConfigFile { get; set; } = "prometheus.yml";

    /// <summary><c>InProcess</c> (embedded) or <c>StorageQueue</c> (through the configured storage account).</summary>
    public SampleBusKind Bus { get; set; } = SampleBusKind.InProcess;

    /// <summary>The queue of the <c>StorageQueue</c> bus.</summary>
    public string QueueName { get; set; } = "samples";

    /// <summary>False turns the embedded scrape and ingest loops off (the Functions host runs them as invocations).</summary>
    public bool Enabled { get; set; } = true;
}

internal enum SampleBusKind
{
    InProcess,
    StorageQueue,
}
