using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// The blob containers, tables and queues of one Azure Storage account (or Azurite), on the
/// Azure SDKs. One service client per service is shared by every store it hands out, so stores
/// are cheap to create; building the provider sends no request and fetches no token.
/// </summary>
public sealed class AzureStorageProvider : IStorageProvider
{
    // Pinned rather than the SDKs' newest: Azurite validates the version (3.32 and later accept
    // 2024-11-04), and the service behaviour the adapters rely on does not drift with an SDK update.
    private const BlobClientOptions.ServiceVersion BlobVersion = BlobClientOptions.ServiceVersion.V2024_11_04;
    private const QueueClientOptions.ServiceVersion QueueVersion = QueueClientOptions.ServiceVersion.V2024_11_04;
    private const TableClientOptions.ServiceVersion TableVersion = TableClientOptions.ServiceVersion.V2019_02_02;

    private readonly StorageErrors _blobErrors;
    private readonly StorageErrors _tableErrors;
    private readonly StorageErrors _queueErrors;

    private AzureStorageProvider(AzureStorageConnection connection, AzureStorageClientOptions? options)
    {
        Connection = connection;
        options ??= new AzureStorageClientOptions();
        // Names are sent exactly as given: by default the SDK trims leading and trailing '/' and
        // "dir/" would address the blob "dir".
        var blobOptions = options.ApplyTo(new BlobClientOptions(BlobVersion) { TrimBlobNameSlashes = false });
        var tableOptions = options.ApplyTo(new TableClientOptions(TableVersion));
        // Bodies are base64 text that the adapter writes itself (see AzureMessageQueue): the
        // SDK passes the text through unchanged.
        var queueOptions = options.ApplyTo(new QueueClientOptions(QueueVersion) { MessageEncoding = QueueMessageEncoding.None });

        if (connection.Credential is { } credential)
        {
            BlobService = new BlobServiceClient(connection.BlobEndpoint, credential, blobOptions);
            TableService = new TableServiceClient(connection.TableEndpoint, credential, tableOptions);
            QueueService = new QueueServiceClient(connection.QueueEndpoint, credential, queueOptions);
        }
        else
        {
            var connectionString = connection.ToSdkConnectionString();
            BlobService = new BlobServiceClient(connectionString, blobOptions);
            TableService = new TableServiceClient(connectionString, tableOptions);
            QueueService = new QueueServiceClient(connectionString, queueOptions);
        }

        _blobErrors = new StorageErrors(connection.BlobEndpoint, options.Tries);
        _tableErrors = new StorageErrors(connection.TableEndpoint, options.Tries);
        _queueErrors = new StorageErrors(connection.QueueEndpoint, options.Tries);
    }

    public AzureStorageConnection Connection { get; }

    internal BlobServiceClient BlobService { get; }

    internal TableServiceClient TableService { get; }

    internal QueueServiceClient QueueService { get; }

    /// <summary>A provider from a connection string (account key, or <c>UseDevelopmentStorage=true</c> for Azurite).</summary>
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

    public IBlobStore GetBlobStore(string container) => new AzureBlobStore(BlobService, container, _blobErrors);

    public ITableStore GetTableStore(string table) => new AzureTableStore(TableService, table, _tableErrors);

    public IMessageQueue GetQueue(string queue, QueueOptions? options = null) => new AzureMessageQueue(QueueService, queue, options, _queueErrors);
}
