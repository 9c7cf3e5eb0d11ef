namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// One Azurite shared by every test class marked <c>[Collection(AzuriteCollection.Name)]</c>
/// (the classes take <see cref="AzuriteFixture"/> in their constructor). Tests in one
/// collection run one after another; give each test its own container, queue or table
/// names so they do not see each other's data.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
