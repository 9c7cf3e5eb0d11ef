namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// The running <c>prometheus.yml</c>, as the host loads it (a file, reloaded on request or SIGHUP):
/// what scraping starts from and follows.
/// </summary>
public interface IPrometheusConfigSource
{
    /// <summary>The configuration loaded at start (loaded on the first call).</summary>
    /// <exception cref="ConfigException">The file is broken.</exception>
    PrometheusConfig LoadInitial();

    /// <summary>Raised after a successful reload with the new configuration.</summary>
    event Action<PrometheusConfig>? Changed;
}
