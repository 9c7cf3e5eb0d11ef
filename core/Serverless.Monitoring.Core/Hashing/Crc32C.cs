using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;

namespace Serverless.Monitoring.Core.Hashing;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial and final XOR 0xFFFFFFFF): the
/// checksum Prometheus uses for chunks and index sections and that iSCSI and ext4 use. Uses the
/// SSE4.2 or ARMv8 CRC32C instruction when present, otherwise a slicing-by-8 table.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;

    // Eight 256-entry tables: table k advances a byte through k further zero bytes, so eight
    // input bytes fold in with eight independent lookups (slicing-by-8).
    private static readonly uint[] Table = BuildTable();

    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a checksum: <c>Append(Compute(a), b) == Compute(a ++ b)</c>, so
    /// <paramref name="crc"/> is a finished checksum (0 for an empty prefix), as in Go's
    /// <c>crc32.Update</c>.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        if (Sse42.X64.IsSupported)
        {
            state = UpdateSse42X64(state, data);
        }
        else if (Sse42.IsSupported)
        {
            state = UpdateSse42(state, data);
        }
        else if (ArmCrc32.Arm64.IsSupported)
        {
            state = UpdateArm64(state, data);
        }
        else
        {
            state = UpdateSoftware(state, data);
        }

        return ~state;
    }

    /// <summary>The table-driven path alone, so tests cover it on machines with the instruction.</summary>
    internal static uint ComputeSoftware(ReadOnlySpan<byte> data, uint crc = 0) => ~UpdateSoftware(~crc, data);

    private static uint UpdateSse42X64(uint state, ReadOnlySpan<byte> data)
    {
        ulong wide = state;
        while (data.Length >= 8)
        {
            wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        state = (uint)wide;
        foreach (var b in data)
        {
            state = Sse42.Crc32(state, b);
        }

        return state;
    }

    private static uint UpdateSse42(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 4)
        {
            state = Sse42.Crc32(state, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }

        foreach (var b in data)
        {
            state = Sse42.Crc32(state, b);
        }

        return state;
    }

    private static uint UpdateArm64(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            state = ArmCrc32.Arm64.ComputeCrc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = ArmCrc32.ComputeCrc32C(state, b);
        }

        return state;
    }

    private static uint UpdateSoftware(uint state, ReadOnlySpan<byte> data)
    {
        var t = Table.AsSpan();
        while (data.Length >= 8)
        {
            var lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            var hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = t[(7 * 256) + (int)(lo & 0xFF)] ^ t[(6 * 256) + (int)((lo >> 8) & 0xFF)]
                ^ t[(5 * 256) + (int)((lo >> 16) & 0xFF)] ^ t[(4 * 256) + (int)(lo >> 24)]
                ^ t[(3 * 256) + (int)(hi & 0xFF)] ^ t[(2 * 256) + (int)((hi >> 8) & 0xFF)]
                ^ t[256 + (int)((hi >> 16) & 0xFF)] ^ t[(int)(hi >> 24)];
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = t[(int)((state ^ b) & 0xFF)] ^ (state >> 8);
        }

        return state;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            }

            table[i] = c;
        }

        for (var i = 0; i < 256; i++)
        {
            for (var k = 1; k < 8; k++)
            {
                var prev = table[((k - 1) * 256) + i];
                table[(k * 256) + i] = table[(int)(prev & 0xFF)] ^ (prev >> 8);
            }
        }

        return table;
    }
}
