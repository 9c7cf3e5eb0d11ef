namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Configuration section <c>Alertmanager</c>: the <c>alertmanager.yml</c> the built-in alert router
/// runs (<c>--alertmanager.config.file</c>); empty turns the router and its <c>/api/v2</c> API off.
/// </summary>
internal sealed class AlertmanagerOptions
{
    public const string SectionName = "Alertmanager";

    /// <summary>Relative to the working directory, as the other file flags.</summary>
    public string ConfigFile { get; set; } = "";

    public bool Enabled => ConfigFile.Length > 0;
}
