namespace Serverless.Monitoring.Core.Ports;

/// <summary>
/// Hands out the blob containers, tables and queues of one storage account (Azure Storage
/// or a folder on local disk). Names follow Azure's rules in every adapter, so a name that
/// works embedded also works in Azure: containers and queues lowercase letters, digits and
/// hyphens (3 to 63); tables letters and digits, starting with a letter (3 to 63).
/// </summary>
public interface IStorageProvider
{
    IBlobStore GetBlobStore(string container);

    ITableStore GetTableStore(string table);

    IMessageQueue GetQueue(string queue, QueueOptions? options = null);
}
