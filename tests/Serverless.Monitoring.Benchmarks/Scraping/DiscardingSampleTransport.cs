using Serverless.Monitoring.Core.Bus;

namespace Serverless.Monitoring.Benchmarks.Scraping;

/// <summary>A bus that accepts and forgets every message, counting them: publishing cost without a consumer.</summary>
public sealed class DiscardingSampleTransport : ISampleTransport
{
    private long _messages;
    private long _bytes;

    public int MaxMessageBytes => InProcessSampleTransport.DefaultMaxMessageBytes;

    public long Messages => Interlocked.Read(ref _messages);

    public long Bytes => Interlocked.Read(ref _bytes);

    public Task SendAsync(string partitionKey, IReadOnlyList<ReadOnlyMemory<byte>> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            Interlocked.Increment(ref _messages);
            Interlocked.Add(ref _bytes, message.Length);
        }

        return Task.CompletedTask;
    }
}
