using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Tests.Hosting;

public class OptionsTests
{
    [Fact]
    public void Defaults_are_local_disk_in_data()
    {
        var options = Resolve<StorageOptions>([]);
        Assert.Equal(StorageProvider.LocalDisk, options.Provider);
        Assert.Equal("./data", options.LocalPath);
        Assert.Equal("MonitoringStorage", options.Connection);
        Assert.Equal("localhost:9090", Resolve<WebOptions>([]).ListenAddress);
    }

    public static TheoryData<string, Dictionary<string, string?>> ValidStorage => new()
    {
        { "local disk elsewhere", new() { ["Storage:Provider"] = "LocalDisk", ["Storage:LocalPath"] = "/var/lib/monitoring" } },
        { "provider is case-insensitive", new() { ["Storage:Provider"] = "azurestorage", ["MonitoringStorage"] = "UseDevelopmentStorage=true" } },
        { "connection string", new() { ["Storage:Provider"] = "AzureStorage", ["MonitoringStorage"] = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=a2V5;EndpointSuffix=core.windows.net" } },
        { "ConnectionStrings section", new() { ["Storage:Provider"] = "AzureStorage", ["ConnectionStrings:MonitoringStorage"] = "UseDevelopmentStorage=true" } },
        { "managed identity by account", new() { ["Storage:Provider"] = "AzureStorage", ["MonitoringStorage:accountName"] = "acct", ["MonitoringStorage:credential"] = "managedidentity" } },
        { "managed identity by URIs", new() { ["Storage:Provider"] = "AzureStorage", ["MonitoringStorage:blobServiceUri"] = "https://a.blob.core.windows.net", ["MonitoringStorage:tableServiceUri"] = "https://a.table.core.windows.net", ["MonitoringStorage:queueServiceUri"] = "https://a.queue.core.windows.net" } },
        { "renamed connection", new() { ["Storage:Provider"] = "AzureStorage", ["Storage:Connection"] = "Other", ["Other"] = "UseDevelopmentStorage=true" } },
    };

    [Theory]
    [MemberData(nameof(ValidStorage))]
    public void Valid_storage_settings_bind(string name, Dictionary<string, string?> settings)
    {
        Assert.NotNull(Resolve<StorageOptions>(settings));
        Assert.NotNull(name);
    }

    public static TheoryData<string, Dictionary<string, string?>, string> InvalidStorage => new()
    {
        { "unknown provider", new() { ["Storage:Provider"] = "S3" }, "Storage:Provider is 'S3'; it must be one of: LocalDisk, AzureStorage" },
        { "typo in a key", new() { ["Storage:LocalPth"] = "x" }, "Unknown setting(s) 'Storage:LocalPth'; the section 'Storage' has: Provider, LocalPath, Connection, RetentionTime, RetentionSize, CacheSize." },
        { "empty path", new() { ["Storage:LocalPath"] = " " }, "Storage:LocalPath must name a folder" },
        { "azure without connection", new() { ["Storage:Provider"] = "AzureStorage" }, "the connection 'MonitoringStorage' is not configured. Set the app setting MonitoringStorage" },
        { "not a connection string", new() { ["Storage:Provider"] = "AzureStorage", ["MonitoringStorage"] = "hello" }, "The setting MonitoringStorage is not a valid storage connection string: segment 1 has no '='" },
        { "key not base64", new() { ["Storage:Provider"] = "AzureStorage", ["MonitoringStorage"] = "AccountName=acct;AccountKey=not*base64!" }, "The setting MonitoringStorage is not a valid storage connection string: AccountKey is not valid base64." },
        { "renamed connection, bad string", new() { ["Storage:Provider"] = "AzureStorage", ["Storage:Connection"] = "Other", ["ConnectionStrings:Other"] = "AccountName=acct" }, "The setting Other is not a valid storage connection string: AccountKey is missing" },
        { "bad service URI", new() { ["Storage:Provider"] = "AzureStorage", ["MonitoringStorage:accountName"] = "acct", ["MonitoringStorage:blobServiceUri"] = "not a uri" }, "MonitoringStorage__blobServiceUri is not an absolute https URI without a query: 'not a uri'." },
        { "http service URI", new() { ["Storage:Provider"] = "AzureStorage", ["MonitoringStorage:accountName"] = "acct", ["MonitoringStorage:queueServiceUri"] = "http://acct.queue.core.windows.net" }, "MonitoringStorage__queueServiceUri is not an absolute https URI" },
        { "bad account name", new() { ["Storage:Provider"] = "AzureStorage", ["MonitoringStorage:accountName"] = "My_Account" }, "MonitoringStorage__accountName 'My_Account' is not a storage account name" },
        { "unknown credential", new() { ["Storage:Provider"] = "AzureStorage", ["MonitoringStorage:accountName"] = "acct", ["MonitoringStorage:credential"] = "clientsecret" }, "MonitoringStorage__credential is 'clientsecret'; the only value is managedidentity" },
        { "only one service URI", new() { ["Storage:Provider"] = "AzureStorage", ["MonitoringStorage:blobServiceUri"] = "https://a.blob.core.windows.net" }, "is not configured" },
    };

    [Theory]
    [MemberData(nameof(InvalidStorage))]
    public void Invalid_storage_settings_fail_with_a_clear_message(string name, Dictionary<string, string?> settings, string message)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve<StorageOptions>(settings));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.NotNull(name);
    }

    [Fact]
    public void Invalid_listen_address_fails_web_options()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve<WebOptions>(new() { ["Web:ListenAddress"] = "nonsense" }));
        Assert.Contains("must be host:port", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_settings_are_resolved_from_the_named_setting()
    {
        var settings = ResolveService<AzureStorageSettings>(new()
        {
            ["Storage:Provider"] = "AzureStorage",
            ["MonitoringStorage:accountName"] = "acct",
            ["MonitoringStorage:credential"] = "managedidentity",
            ["MonitoringStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        });
        Assert.Equal("MonitoringStorage", settings.Name);
        Assert.True(settings.IsIdentityBased);
        Assert.False(settings.IsConnectionString);
        Assert.Equal("acct", settings.AccountName);
        Assert.Equal("managedidentity", settings.Credential);
        Assert.Equal("00000000-0000-0000-0000-000000000001", settings.ClientId);
    }

    private static T Resolve<T>(Dictionary<string, string?> settings)
        where T : class => ResolveService<IOptions<T>>(settings).Value;

    private static T ResolveService<T>(Dictionary<string, string?> settings)
        where T : notnull
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddMonitoringOptions();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<T>();
    }
}
