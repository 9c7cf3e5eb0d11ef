using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Core.Storage.Ingest;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// The Ingest side of the bus: decodes a batch of received messages and stores them as one
/// <see cref="SampleBatch"/> whose ID is derived from the message IDs, so a redelivered batch is
/// a replay the storage engine recognises. Undecodable messages are reported (logged, counted
/// and returned) and left out; they never fail the batch. Storage failures propagate, so the
/// caller leaves the messages unacknowledged and they come back.
/// </summary>
public sealed class IngestProcessor
{
    private readonly StorageEngine _engine;
    private readonly int _maxDecodedBytes;
    private readonly Action<string>? _log;
    private readonly Counter? _messages;
    private readonly Counter? _undecodable;
    private readonly Counter? _rejectedSeries;

    public IngestProcessor(StorageEngine engine, MetricRegistry? metrics = null, Action<string>? log = null, int maxDecodedBytes = RemoteWriteCodec.DefaultMaxDecodedBytes)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _maxDecodedBytes = maxDecodedBytes;
        _log = log;
        _messages = metrics?.CreateCounter("bus_ingested_messages_total", "Bus messages decoded and stored.");
        _undecodable = metrics?.CreateCounter("bus_undecodable_messages_total", "Bus messages that failed to decode (parked, not stored).");
        _rejectedSeries = metrics?.CreateCounter("bus_rejected_series_total", "Series in bus messages left out for invalid labels.");
    }

    /// <summary>
    /// The batch ID for a set of message IDs: order does not matter, duplicates count once.
    /// 128 bits of SHA-256 over the sorted, length-prefixed IDs.
    /// </summary>
    public static string BatchIdFor(IEnumerable<string> messageIds)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var id in messageIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            // Length-prefixed, so no choice of characters in IDs makes two sets hash alike.
            var bytes = Encoding.UTF8.GetBytes(id);
            BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return "bus-" + Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }

    /// <summary>
    /// Decodes a message body: a snappy remote-write block, or the same as base64 text (what a
    /// transport that carries text, such as an Event Hubs JSON batch, may hand over).
    /// </summary>
    /// <exception cref="RemoteWriteFormatException">Neither form decodes.</exception>
    public RemoteWriteRequest DecodeBody(ReadOnlySpan<byte> body)
    {
        try
        {
            return RemoteWriteCodec.Decode(body, _maxDecodedBytes);
        }
        catch (RemoteWriteFormatException) when (body.Length >= 4 && Base64.IsValid(body))
        {
            var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(body.Length)];
            if (Base64.DecodeFromUtf8(body, decoded, out _, out var written) != OperationStatus.Done)
            {
                throw;
            }

            return RemoteWriteCodec.Decode(decoded.AsSpan(0, written), _maxDecodedBytes);
        }
    }

    public async Task<IngestOutcome> ProcessAsync(IReadOnlyList<BusMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var series = new List<SeriesSamples>();
        var ingested = new List<string>();
        var undecodable = new List<UndecodableMessage>();
        var rejected = new List<RejectedSeries>();
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            RemoteWriteRequest request;
            try
            {
                request = DecodeBody(message.Body.Span);
            }
            catch (RemoteWriteFormatException e)
            {
                undecodable.Add(new UndecodableMessage(message, e.Message));
                _undecodable?.Inc();
                _log?.Invoke($"bus message {message.Id} ({message.Body.Length} bytes) is not a valid remote-write message and is left out: {e.Message}");
                continue;
            }

            series.AddRange(request.Series);
            rejected.AddRange(request.Rejected);
            ingested.Add(message.Id);
        }

        if (rejected.Count > 0)
        {
            _rejectedSeries?.Inc(rejected.Count);
            _log?.Invoke($"{rejected.Count} series in bus messages left out for invalid labels, e.g. {rejected[0].Reason}");
        }

        if (ingested.Count == 0)
        {
            return new IngestOutcome(null, null, ingested, undecodable, rejected);
        }

        var batchId = BatchIdFor(ingested);
        IngestResult? stored = null;
        if (series.Count > 0)
        {
            stored = await _engine.IngestAsync(new SampleBatch(batchId, series), cancellationToken).ConfigureAwait(false);
        }

        _messages?.Inc(ingested.Count);
        return new IngestOutcome(batchId, stored, ingested, undecodable, rejected);
    }
}
