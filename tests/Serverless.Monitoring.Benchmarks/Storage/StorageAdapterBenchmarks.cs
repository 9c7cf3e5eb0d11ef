using BenchmarkDotNet.Attributes;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Benchmarks.Storage;

/// <summary>
/// A 1 MiB blob put and get and a 100-entity table batch, on local disk and on Azurite
/// (started in memory on a free loopback port for the run).
/// </summary>
[MemoryDiagnoser]
public class StorageAdapterBenchmarks
{
    private readonly byte[] _blob = new byte[1024 * 1024];
    private AzuriteFixture? _azurite;
    private string? _localRoot;
    private IBlobStore _blobs = null!;
    private ITableStore _table = null!;
    private int _batch;

    [Params("LocalDisk", "Azurite")]
    public string Backend { get; set; } = "LocalDisk";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        new Random(1).NextBytes(_blob);
        IStorageProvider provider;
        if (Backend == "Azurite")
        {
            _azurite = await AzuriteFixture.StartAsync();
            provider = AzureStorageProvider.FromConnectionString(_azurite.ConnectionString);
        }
        else
        {
            _localRoot = Path.Combine(Path.GetTempPath(), "sm-bench-" + Guid.NewGuid().ToString("N"));
            provider = new LocalDiskStorageProvider(_localRoot);
        }

        _blobs = provider.GetBlobStore("bench");
        await _blobs.CreateIfNotExistsAsync();
        _table = provider.GetTableStore("bench");
        await _table.CreateIfNotExistsAsync();
        await _blobs.PutAsync("read-me", new MemoryStream(_blob));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (_localRoot is not null)
        {
            Directory.Delete(_localRoot, recursive: true);
        }
    }

    [Benchmark(Description = "put 1 MiB blob")]
    public Task<BlobProperties> PutBlob() => _blobs.PutAsync("write-me", new MemoryStream(_blob));

    [Benchmark(Description = "get 1 MiB blob")]
    public Task<BlobContent> GetBlob() => _blobs.GetAsync("read-me");

    [Benchmark(Description = "table batch of 100 upserts")]
    public Task<IReadOnlyList<string?>> TableBatch()
    {
        var partition = $"p{_batch++ % 16}";
        var operations = new TableOperation[100];
        for (var i = 0; i < operations.Length; i++)
        {
            var entity = new TableEntity(partition, $"row{i:D3}");
            entity["Value"] = (long)i;
            entity["Name"] = "series_name_with_some_length";
            operations[i] = TableOperation.Upsert(entity);
        }

        return _table.SubmitBatchAsync(operations);
    }
}
