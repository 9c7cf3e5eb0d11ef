namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>How <see cref="NodeExporterFixture.StartAsync"/> starts node_exporter.</summary>
public sealed class NodeExporterOptions
{
    /// <summary>Arguments added after the fixture's own (e.g. <c>--collector.disable-defaults</c>).</summary>
    public IList<string> ExtraArguments { get; } = new List<string>();

    /// <summary>How long to wait for <c>/metrics</c>.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
