using System.Text;
using Serverless.Monitoring.Core.Hashing;

namespace Serverless.Monitoring.Tests.Hashing;

public sealed class Crc32CTests
{
    /// <summary>The CRC catalogue's check value and the RFC 3720 (iSCSI) appendix B.4 vectors.</summary>
    public static TheoryData<string, byte[], uint> Vectors => new()
    {
        { "check \"123456789\"", Encoding.ASCII.GetBytes("123456789"), 0xE3069283u },
        { "empty", [], 0x00000000u },
        { "32 zero bytes", new byte[32], 0x8A9136AAu },
        { "32 0xFF bytes", Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43u },
        { "ascending 0..31", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794Eu },
        { "descending 31..0", Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(), 0x113FDB5Cu },
        {
            "iSCSI read command PDU",
            [
                0x01, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
                0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            ],
            0xD9963A56u
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Matches_published_vectors(string name, byte[] data, uint expected)
    {
        Assert.True(expected == Crc32C.Compute(data), name);
        Assert.True(expected == Crc32C.ComputeSoftware(data), name + " (software)");
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Append_continues_a_checksum_at_every_split(string name, byte[] data, uint expected)
    {
        for (var split = 0; split <= data.Length; split++)
        {
            var first = Crc32C.Compute(data.AsSpan(0, split));
            Assert.True(expected == Crc32C.Append(first, data.AsSpan(split)), $"{name} split at {split}");
            Assert.True(expected == Crc32C.ComputeSoftware(data.AsSpan(split), first), $"{name} split at {split} (software)");
        }
    }

    [Fact]
    public void Hardware_and_software_paths_agree_on_random_data()
    {
        var random = new Random(3720);
        for (var round = 0; round < 300; round++)
        {
            var data = new byte[random.Next(0, 1100)];
            random.NextBytes(data);
            Assert.Equal(Crc32C.ComputeSoftware(data), Crc32C.Compute(data));
        }
    }
}
