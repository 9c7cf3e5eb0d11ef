namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Something reloaded together with <c>prometheus.yml</c> (on <c>/-/reload</c> and SIGHUP): it reloads
/// its own file after the new <c>prometheus.yml</c> parsed and before that is applied, so a broken file
/// of either fails the reload and leaves both running configs in force.
/// </summary>
internal interface IConfigReloadParticipant
{
    /// <summary>Reloads; null on success, else the reason (the running state stays).</summary>
    string? Reload();
}
