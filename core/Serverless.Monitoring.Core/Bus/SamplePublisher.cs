using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// Publishes one scrape's samples to the bus: cuts them into snappy-compressed remote-write
/// messages that fit the transport (see <see cref="SampleMessageBuilder"/>) and sends them under
/// the target's partition key. Safe for concurrent use.
/// </summary>
public sealed class SamplePublisher
{
    private readonly ISampleTransport _transport;
    private readonly SampleMessageBuilder _builder;
    private readonly Counter? _messages;
    private readonly Counter? _bytes;
    private readonly Counter? _samples;
    private readonly Counter? _dropped;

    public SamplePublisher(ISampleTransport transport, MetricRegistry? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _builder = new SampleMessageBuilder(transport.MaxMessageBytes);
        _messages = metrics?.CreateCounter("bus_published_messages_total", "Messages sent to the sample bus.");
        _bytes = metrics?.CreateCounter("bus_published_bytes_total", "Compressed bytes sent to the sample bus.");
        _samples = metrics?.CreateCounter("bus_published_samples_total", "Samples sent to the sample bus.");
        _dropped = metrics?.CreateCounter("bus_dropped_series_total", "Series too large for a bus message, not sent.");
    }

    /// <summary>Cuts and sends the samples; nothing is sent for an empty list.</summary>
    /// <param name="partitionKey">The scrape target's identity, so its messages stay together.</param>
    /// <param name="series">The samples of one scrape (read, not kept).</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public async Task<PublishResult> PublishAsync(string partitionKey, IReadOnlyList<SeriesSamples> series, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(series);
        var built = _builder.Build(series);
        if (built.Messages.Count > 0)
        {
            var bodies = new ReadOnlyMemory<byte>[built.Messages.Count];
            for (var i = 0; i < bodies.Length; i++)
            {
                bodies[i] = built.Messages[i];
            }

            await _transport.SendAsync(partitionKey, bodies, cancellationToken).ConfigureAwait(false);
        }

        var samples = built.Samples;
        var bytes = built.Bytes;
        _messages?.Inc(built.Messages.Count);
        _bytes?.Inc(bytes);
        _samples?.Inc(samples);
        _dropped?.Inc(built.Dropped.Count);
        return new PublishResult(built.Messages.Count, series.Count - built.Dropped.Count, samples, bytes, built.Dropped);
    }
}
