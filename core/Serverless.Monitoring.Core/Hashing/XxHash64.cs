using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Serverless.Monitoring.Core.Hashing;

/// <summary>
/// xxHash64 (XXH64), the 64-bit non-cryptographic hash of the xxHash family. Owned here because
/// <c>System.IO.Hashing</c> is unavailable and <see cref="HashCode"/> is randomized per process,
/// while persisted identifiers (series IDs, shard keys) must never change. Results equal the
/// reference implementation's canonical value for the same bytes and seed.
/// </summary>
/// <remarks>
/// Use <see cref="HashToUInt64"/> for one-shot hashing; an instance hashes a stream of
/// appended pieces and gives the same result as hashing their concatenation.
/// </remarks>
public sealed class XxHash64
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;
    private const int StripeSize = 32;

    private readonly ulong _seed;
    private readonly byte[] _pending = new byte[StripeSize];
    private ulong _acc1, _acc2, _acc3, _acc4;
    private ulong _totalLength;
    private int _pendingCount;

    /// <summary>Starts a streaming hash with the given seed.</summary>
    public XxHash64(ulong seed = 0)
    {
        _seed = seed;
        Reset();
    }

    /// <summary>Hashes <paramref name="source"/> in one call.</summary>
    public static ulong HashToUInt64(ReadOnlySpan<byte> source, ulong seed = 0)
    {
        var length = source.Length;
        ulong hash;
        if (length >= StripeSize)
        {
            ulong a1 = seed + Prime1 + Prime2, a2 = seed + Prime2, a3 = seed, a4 = seed - Prime1;
            var stripes = length / StripeSize;
            ProcessStripes(source[..(stripes * StripeSize)], ref a1, ref a2, ref a3, ref a4);
            hash = Converge(a1, a2, a3, a4);
            source = source[(stripes * StripeSize)..];
        }
        else
        {
            hash = seed + Prime5;
        }

        hash += (ulong)length;
        return Finish(hash, source);
    }

    /// <summary>Restarts the stream, keeping the seed.</summary>
    public void Reset()
    {
        _acc1 = _seed + Prime1 + Prime2;
        _acc2 = _seed + Prime2;
        _acc3 = _seed;
        _acc4 = _seed - Prime1;
        _totalLength = 0;
        _pendingCount = 0;
    }

    /// <summary>Adds <paramref name="source"/> to the stream.</summary>
    public void Append(ReadOnlySpan<byte> source)
    {
        _totalLength += (ulong)source.Length;

        if (_pendingCount > 0)
        {
            var take = Math.Min(StripeSize - _pendingCount, source.Length);
            source[..take].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += take;
            source = source[take..];
            if (_pendingCount < StripeSize)
            {
                return;
            }

            ProcessStripes(_pending, ref _acc1, ref _acc2, ref _acc3, ref _acc4);
            _pendingCount = 0;
        }

        var whole = source.Length / StripeSize * StripeSize;
        if (whole > 0)
        {
            ProcessStripes(source[..whole], ref _acc1, ref _acc2, ref _acc3, ref _acc4);
            source = source[whole..];
        }

        source.CopyTo(_pending);
        _pendingCount = source.Length;
    }

    /// <summary>The hash of everything appended so far; the stream can continue afterwards.</summary>
    public ulong GetCurrentHashAsUInt64()
    {
        var hash = _totalLength >= StripeSize ? Converge(_acc1, _acc2, _acc3, _acc4) : _seed + Prime5;
        hash += _totalLength;
        return Finish(hash, _pending.AsSpan(0, _pendingCount));
    }

    private static void ProcessStripes(ReadOnlySpan<byte> data, ref ulong a1, ref ulong a2, ref ulong a3, ref ulong a4)
    {
        // Locals keep the four lanes in registers across the loop.
        ulong v1 = a1, v2 = a2, v3 = a3, v4 = a4;
        while (data.Length >= StripeSize)
        {
            v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(data));
            v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(data[8..]));
            v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(data[16..]));
            v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(data[24..]));
            data = data[StripeSize..];
        }

        a1 = v1;
        a2 = v2;
        a3 = v3;
        a4 = v4;
    }

    private static ulong Converge(ulong v1, ulong v2, ulong v3, ulong v4)
    {
        var hash = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7)
            + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
        hash = MergeRound(hash, v1);
        hash = MergeRound(hash, v2);
        hash = MergeRound(hash, v3);
        return MergeRound(hash, v4);
    }

    /// <summary>Consumes the tail (under 32 bytes) and avalanches.</summary>
    private static ulong Finish(ulong hash, ReadOnlySpan<byte> tail)
    {
        while (tail.Length >= 8)
        {
            hash ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(tail));
            hash = (BitOperations.RotateLeft(hash, 27) * Prime1) + Prime4;
            tail = tail[8..];
        }

        if (tail.Length >= 4)
        {
            hash ^= BinaryPrimitives.ReadUInt32LittleEndian(tail) * Prime1;
            hash = (BitOperations.RotateLeft(hash, 23) * Prime2) + Prime3;
            tail = tail[4..];
        }

        foreach (var b in tail)
        {
            hash ^= b * Prime5;
            hash = BitOperations.RotateLeft(hash, 11) * Prime1;
        }

        hash ^= hash >> 33;
        hash *= Prime2;
        hash ^= hash >> 29;
        hash *= Prime3;
        hash ^= hash >> 32;
        return hash;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong acc, ulong input)
    {
        acc += input * Prime2;
        acc = BitOperations.RotateLeft(acc, 31);
        return acc * Prime1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MergeRound(ulong acc, ulong value)
    {
        acc ^= Round(0, value);
        return (acc * Prime1) + Prime4;
    }
}
