using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// The blob containers, tables and queues of one Azure Storage account (or Azurite). One
/// pipeline per service is shared by every store it hands out, so stores are cheap to create.
/// </summary>
public sealed class AzureStorageProvider : IStorageProvider
{
    private readonly StorageServiceClient _blob;
    private readonly StorageServiceClient _table;
    private readonly StorageServiceClient _queue;

    private AzureStorageProvider(AzureStorageConnection connection, AzureStorageClientOptions? options)
    {
        Connection = connection;
        options ??= new AzureStorageClientOptions();
        _blob = Client(connection.BlobEndpoint, SharedKeyService.BlobOrQueue);
        _table = Client(connection.TableEndpoint, SharedKeyService.Table);
        _queue = Client(connection.QueueEndpoint, SharedKeyService.BlobOrQueue);

        StorageServiceClient Client(Uri endpoint, SharedKeyService service)
        {
            HttpPipeline pipeline = AzureStoragePipeline.Build(connection, service, options);
            return new StorageServiceClient(pipeline, endpoint, options);
        }
    }

    public AzureStorageConnection Connection { get; }

    /// <summary>A provider from a connection string (Shared Key, or <c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    public static AzureStorageProvider FromConnectionString(string connectionString, AzureStorageClientOptions? options = null) =>
        new(AzureStorageConnection.Parse(connectionString), options);

    /// <summary>A provider that authorizes with Entra ID tokens, e.g. a managed identity.</summary>
    public static AzureStorageProvider FromServiceUris(Uri blob, Uri table, Uri queue, TokenCredential credential,
        AzureStorageClientOptions? options = null) =>
        new(AzureStorageConnection.FromServiceUris(blob, table, queue, credential), options);

    /// <summary>A provider for an already built connection.</summary>
    public static AzureStorageProvider FromConnection(AzureStorageConnection connection, AzureStorageClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new(connection, options);
    }

    public IBlobStore GetBlobStore(string container) => new AzureBlobStore(_blob, container);

    public ITableStore GetTableStore(string table) => new AzureTableStore(_table, table);

    public IMessageQueue GetQueue(string queue, QueueOptions? options = null) => new AzureMessageQueue(_queue, queue, options);
}
