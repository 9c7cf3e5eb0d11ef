namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>How <see cref="AzuriteFixture.StartAsync"/> starts Azurite.</summary>
public sealed class AzuriteOptions
{
    /// <summary>
    /// Arguments added after the fixture's own (e.g. <c>--loose</c> or <c>--skipApiVersionCheck</c>).
    /// </summary>
    public IList<string> ExtraArguments { get; } = new List<string>();

    /// <summary>
    /// True (the default): <c>--inMemoryPersistence</c>. False: data on disk in the
    /// fixture's temporary directory (<c>--location</c>), e.g. to look at what was stored.
    /// </summary>
    public bool InMemory { get; set; } = true;

    /// <summary>How long to wait for all three ports to accept connections.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
