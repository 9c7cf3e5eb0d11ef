using Microsoft.Extensions.Configuration;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Tests.Hosting;

public sealed class StorageEngineSettingsTests
{
    private static readonly IConfiguration Empty = new ConfigurationBuilder().Build();

    [Fact]
    public void Defaults_are_prometheus_defaults()
    {
        var engine = new StorageOptions().ToEngineOptions();
        Assert.Equal(TimeSpan.FromDays(15), engine.RetentionTime);
        Assert.Equal(0, engine.RetentionSizeBytes);
        Assert.Equal(256L << 20, engine.CacheSizeBytes);
        Assert.True(new StorageOptionsValidator(Empty).Validate(null, new StorageOptions()).Succeeded);
    }

    [Fact]
    public void Settings_reach_the_engine()
    {
        var options = new StorageOptions { RetentionTime = "30d", RetentionSize = "10GB", CacheSize = "64MB" };
        var engine = options.ToEngineOptions();
        Assert.Equal(TimeSpan.FromDays(30), engine.RetentionTime);
        Assert.Equal(10L << 30, engine.RetentionSizeBytes);
        Assert.Equal(64L << 20, engine.CacheSizeBytes);
    }

    [Theory]
    [InlineData("15x", "0", "256MB", "Storage:RetentionTime")]
    [InlineData("0", "0", "256MB", "Storage:RetentionTime")]
    [InlineData("15d", "lots", "256MB", "Storage:RetentionSize")]
    [InlineData("15d", "0", "1.5GB", "Storage:CacheSize")]
    public void A_bad_value_fails_validation_naming_the_setting(string time, string size, string cache, string key)
    {
        var options = new StorageOptions { RetentionTime = time, RetentionSize = size, CacheSize = cache };
        var result = new StorageOptionsValidator(Empty).Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }
}
