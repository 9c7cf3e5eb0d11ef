using System.Diagnostics;
using System.Text;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Hosting;

/// <summary>The host builds the <see cref="IStorageProvider"/> that the Storage settings select.</summary>
public sealed class StorageWiringTests
{
    [Fact]
    public void Local_disk_is_the_default_and_uses_the_full_path_of_LocalPath_without_touching_the_disk()
    {
        var relative = "data-" + Guid.NewGuid().ToString("N");
        using var app = new MonitoringAppFactory { Settings = new Dictionary<string, string?> { ["Storage:LocalPath"] = "./" + relative } };

        var provider = Assert.IsType<LocalDiskStorageProvider>(app.Services.GetRequiredService<IStorageProvider>());
        Assert.Equal(Path.GetFullPath(relative), provider.RootDirectory);
        Assert.Same(provider, app.Services.GetRequiredService<IStorageProvider>());
        Assert.False(Directory.Exists(provider.RootDirectory), "building the provider created its folder");
    }

    [Fact]
    public async Task Local_disk_provider_stores_blobs_under_LocalPath()
    {
        using var root = new TempDirectory("sm-wiring-");
        using var app = new MonitoringAppFactory { Settings = new Dictionary<string, string?> { ["Storage:LocalPath"] = root.Combine("data") } };

        var blobs = app.Services.GetRequiredService<IStorageProvider>().GetBlobStore("wiring");
        await blobs.CreateIfNotExistsAsync();
        await blobs.PutAsync("check", new MemoryStream("ok"u8.ToArray()));

        Assert.True(Directory.Exists(Path.Combine(root.Path, "data", "blobs", "wiring")));
        Assert.Equal("ok", Encoding.UTF8.GetString((await blobs.GetAsync("check")).Data.Span));
    }

    [Theory]
    [InlineData("managedidentity", null, typeof(ManagedIdentityCredential))]
    [InlineData("managedidentity", "00000000-0000-0000-0000-000000000001", typeof(ManagedIdentityCredential))]
    [InlineData(null, null, typeof(DefaultAzureCredential))]
    [InlineData(null, "00000000-0000-0000-0000-000000000001", typeof(DefaultAzureCredential))]
    public void Account_name_gives_the_public_service_uris_and_the_configured_credential(string? credential, string? clientId, Type expected)
    {
        using var app = new MonitoringAppFactory { Settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureStorage",
            ["MonitoringStorage:accountName"] = "acct",
            ["MonitoringStorage:credential"] = credential,
            ["MonitoringStorage:clientId"] = clientId,
        } };

        var services = app.Services; // Starts the host.
        var watch = Stopwatch.StartNew();
        var provider = Assert.IsType<AzureStorageProvider>(services.GetRequiredService<IStorageProvider>());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"building the provider took {watch.Elapsed}");

        Assert.Equal("acct", provider.Connection.AccountName);
        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), provider.Connection.BlobEndpoint);
        Assert.Equal(new Uri("https://acct.table.core.windows.net"), provider.Connection.TableEndpoint);
        Assert.Equal(new Uri("https://acct.queue.core.windows.net"), provider.Connection.QueueEndpoint);
        Assert.False(provider.Connection.UsesAccountKey);
        Assert.IsType(expected, provider.Connection.Credential);
    }

    [Fact]
    public void An_explicit_service_uri_overrides_the_one_from_the_account_name()
    {
        using var app = new MonitoringAppFactory { Settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureStorage",
            ["MonitoringStorage:accountName"] = "acct",
            ["MonitoringStorage:tableServiceUri"] = "https://tables.example.net/acct",
        } };

        var provider = Assert.IsType<AzureStorageProvider>(app.Services.GetRequiredService<IStorageProvider>());
        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), provider.Connection.BlobEndpoint);
        Assert.Equal(new Uri("https://tables.example.net/acct"), provider.Connection.TableEndpoint);
    }
}

/// <summary>The Azure Storage provider, built from a connection string, against a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureStorageWiringTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_connection_string_to_Azurite_gives_a_provider_whose_blob_store_works()
    {
        using var app = new MonitoringAppFactory { Settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureStorage",
            ["MonitoringStorage"] = azurite.ConnectionString,
        } };

        var provider = Assert.IsType<AzureStorageProvider>(app.Services.GetRequiredService<IStorageProvider>());
        Assert.Equal(azurite.BlobEndpoint.AbsoluteUri.TrimEnd('/'), provider.Connection.BlobEndpoint.AbsoluteUri.TrimEnd('/'));

        var blobs = provider.GetBlobStore("wiring-" + Guid.NewGuid().ToString("N")[..16]);
        await blobs.CreateIfNotExistsAsync();
        var put = await blobs.PutAsync("dir/check", new MemoryStream("ok"u8.ToArray()), StorageCondition.CreateOnly);
        var read = await blobs.GetAsync("dir/check");
        Assert.Equal("ok", Encoding.UTF8.GetString(read.Data.Span));
        Assert.Equal(put.ETag, read.ETag);
    }
}
