using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Configuration section <c>Functions</c>: how the app behaves when the Azure Functions host runs
/// it as a custom handler (see <c>FunctionApp/</c> and <see cref="HostingMode"/>).
/// </summary>
internal sealed class FunctionsOptions
{
    public const string SectionName = "Functions";

    /// <summary>
    /// True: serve the invocation endpoints and leave the embedded loops off; false: never;
    /// unset: when the host gives us a port (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c>).
    /// </summary>
    public bool? CustomHandler { get; set; }

    /// <summary>
    /// The Scrape timer's period (Prometheus duration); it must match the schedule in
    /// <c>FunctionApp/Scrape/function.json</c> (every 15 s). Each tick scrapes the targets whose
    /// slot falls in [tick, tick + period).
    /// </summary>
    public string ScrapePeriod { get; set; } = "15s";

    /// <summary>
    /// Tries to store an Event Hubs batch before the invocation fails. The checkpoint advances
    /// even when it fails, so a failed batch is not redelivered: retry here.
    /// </summary>
    public int IngestAttempts { get; set; } = 3;

    public TimeSpan ScrapePeriodValue => PrometheusDuration.Parse(ScrapePeriod);

    /// <summary>What is wrong with the settings, naming each key; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (!PrometheusDuration.TryParse(ScrapePeriod, out var period, out var error) || period < TimeSpan.FromSeconds(1))
        {
            yield return $"Functions:ScrapePeriod '{ScrapePeriod}': {(error.Length > 0 ? error : "must be at least 1s")}.";
        }
        else if (TimeSpan.FromDays(1).Ticks % period.Ticks != 0)
        {
            // A period that does not divide a day would drift against the timer's cron schedule.
            yield return $"Functions:ScrapePeriod '{ScrapePeriod}' must divide a day evenly (like 15s, 1m, 5m), as the timer schedule does.";
        }

        if (IngestAttempts is < 1 or > 10)
        {
            yield return $"Functions:IngestAttempts is {IngestAttempts}; it must be from 1 to 10.";
        }
    }
}
