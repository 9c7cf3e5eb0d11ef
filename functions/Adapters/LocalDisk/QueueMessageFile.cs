using System.Buffers.Binary;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>A queued message's delivery state, kept in front of its body in the message's file.</summary>
/// <param name="PopReceipt">The receipt of the latest delivery; empty before the first.</param>
internal sealed record QueueMessageState(DateTimeOffset InsertedOn, DateTimeOffset NextVisibleOn, int DequeueCount, string PopReceipt);

/// <summary>
/// One message file: "SMQ1", int64 inserted UTC ticks, int64 next-visible UTC ticks, int32 dequeue
/// count, 16-byte pop receipt, then the body. Rewritten whole (temp file + rename) on each delivery.
/// </summary>
internal static class QueueMessageFile
{
    public const int HeaderSize = 40;

    private static ReadOnlySpan<byte> Magic => "SMQ1"u8;

    public static byte[] Encode(QueueMessageState state, ReadOnlySpan<byte> body)
    {
        var data = new byte[HeaderSize + body.Length];
        Magic.CopyTo(data);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(4), state.InsertedOn.UtcTicks);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(12), state.NextVisibleOn.UtcTicks);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(20), state.DequeueCount);
        var receipt = state.PopReceipt.Length == 0 ? Guid.Empty : Guid.ParseExact(state.PopReceipt, "N");
        receipt.TryWriteBytes(data.AsSpan(24, 16));
        body.CopyTo(data.AsSpan(HeaderSize));
        return data;
    }

    /// <summary>The state from a file's first <see cref="HeaderSize"/> bytes; null when it is not a message file.</summary>
    public static QueueMessageState? DecodeState(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize || !data[..4].SequenceEqual(Magic))
        {
            return null;
        }

        var inserted = BinaryPrimitives.ReadInt64LittleEndian(data[4..]);
        var visible = BinaryPrimitives.ReadInt64LittleEndian(data[12..]);
        if (!IsValidTicks(inserted) || !IsValidTicks(visible))
        {
            return null;
        }

        var receipt = new Guid(data.Slice(24, 16));
        return new QueueMessageState(
            new DateTimeOffset(inserted, TimeSpan.Zero),
            new DateTimeOffset(visible, TimeSpan.Zero),
            BinaryPrimitives.ReadInt32LittleEndian(data[20..]),
            receipt == Guid.Empty ? string.Empty : receipt.ToString("N"));
    }

    private static bool IsValidTicks(long ticks) => ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks;
}
