using System.Text;
using System.IO.Hashing;

namespace Serverless.Monitoring.Tests.Hashing;

/// <summary>
/// Known answers for System.IO.Hashing's XxHash64, which series IDs, block IDs and shard keys are
/// persisted with: the reference vectors, and values the project's own implementation (replaced
/// by the library) gave, so a persisted ID never changes. The library takes the seed as a long;
/// the tests keep the seeds as the unsigned values the reference publishes.
/// </summary>
public sealed class XxHash64Tests
{
    private const ulong Prime32 = 2654435761UL;
    private const ulong Prime64 = 11400714785074694797UL;

    /// <summary>
    /// The xxHash reference's sanity-check vectors (xxhsum's self-test): a prefix of the
    /// pseudo-random buffer below, hashed with seed 0 or PRIME32.
    /// </summary>
    public static TheoryData<int, ulong, ulong> ReferenceVectors => new()
    {
        { 0, 0, 0xEF46DB3751D8E999UL },
        { 0, Prime32, 0xAC75FDA2929B17EFUL },
        { 1, 0, 0xE934A84ADB052768UL },
        { 1, Prime32, 0x5014607643A9B4C3UL },
        { 4, 0, 0x9136A0DCA57457EEUL },
        { 14, 0, 0x8282DCC4994E35C8UL },
        { 14, Prime32, 0xC3BD6BF63DEB6DF0UL },
        { 222, 0, 0xB641AE8CB691C174UL },
        { 222, Prime32, 0x20CB8AB7AE10C14AUL },
    };

    /// <summary>Known values for text (seed 0), as used by the Go implementation Prometheus depends on.</summary>
    public static TheoryData<string, ulong> TextVectors => new()
    {
        { "", 0xEF46DB3751D8E999UL },
        { "a", 0xD24EC4F1A98C6E5BUL },
        { "as", 0x1C330FB2D66BE179UL },
        { "asd", 0x631C37CE72A97393UL },
        { "asdf", 0x415872F599CEA71EUL },
        { "abc", 0x44BC2CF5AD770999UL },
        // 63 bytes: one 32-byte stripe, then the 8-, 4- and 1-byte tails.
        { "Call me Ishmael. Some years ago--never mind how long precisely-", 0x02A2E85470D6FD96UL },
    };

    /// <summary>A seed of 2^63 or more, as block IDs use, must hash as the unsigned seed did before.</summary>
    [Fact]
    public void A_seed_past_long_MaxValue_gives_the_value_persisted_before()
    {
        const ulong blockIdSecondSeed = 0x9E3779B97F4A7C15UL;
        Assert.Equal(0xB04B6590C3A41371UL, XxHash64.HashToUInt64("ingest/batch/7"u8, Seed(blockIdSecondSeed)));
    }

    private static long Seed(ulong seed) => unchecked((long)seed);

    /// <summary>xxhsum's test buffer: byte i is the top byte of PRIME32 · PRIME64^i.</summary>
    private static byte[] SanityBuffer(int length)
    {
        var buffer = new byte[length];
        var gen = Prime32;
        for (var i = 0; i < length; i++)
        {
            buffer[i] = (byte)(gen >> 56);
            gen *= Prime64;
        }

        return buffer;
    }

    [Theory]
    [MemberData(nameof(ReferenceVectors))]
    public void OneShot_matches_reference_vectors(int length, ulong seed, ulong expected)
    {
        Assert.Equal(expected, XxHash64.HashToUInt64(SanityBuffer(length), Seed(seed)));
    }

    [Theory]
    [MemberData(nameof(ReferenceVectors))]
    public void Streaming_matches_reference_vectors_for_every_piece_size(int length, ulong seed, ulong expected)
    {
        var data = SanityBuffer(length);
        for (var piece = 1; piece <= Math.Max(1, length); piece++)
        {
            var hash = new XxHash64(Seed(seed));
            for (var i = 0; i < data.Length; i += piece)
            {
                hash.Append(data.AsSpan(i, Math.Min(piece, data.Length - i)));
            }

            Assert.Equal(expected, hash.GetCurrentHashAsUInt64());
        }
    }

    [Theory]
    [MemberData(nameof(TextVectors))]
    public void Text_vectors(string text, ulong expected)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(expected, XxHash64.HashToUInt64(bytes));

        var hash = new XxHash64();
        foreach (var b in bytes)
        {
            hash.Append([b]);
        }

        Assert.Equal(expected, hash.GetCurrentHashAsUInt64());
    }

    [Fact]
    public void Current_hash_can_be_read_mid_stream_and_reset_restarts()
    {
        var data = SanityBuffer(222);
        var hash = new XxHash64(Seed(Prime32));
        hash.Append(data.AsSpan(0, 100));
        Assert.Equal(XxHash64.HashToUInt64(data.AsSpan(0, 100), Seed(Prime32)), hash.GetCurrentHashAsUInt64());
        hash.Append(data.AsSpan(100));
        Assert.Equal(0x20CB8AB7AE10C14AUL, hash.GetCurrentHashAsUInt64());

        hash.Reset();
        Assert.Equal(0xAC75FDA2929B17EFUL, hash.GetCurrentHashAsUInt64());
        hash.Append(data);
        Assert.Equal(0x20CB8AB7AE10C14AUL, hash.GetCurrentHashAsUInt64());
    }

    [Fact]
    public void Streaming_equals_one_shot_for_random_splits()
    {
        var random = new Random(20240611);
        for (var round = 0; round < 500; round++)
        {
            var data = new byte[random.Next(0, 300)];
            random.NextBytes(data);
            var seed = (ulong)random.NextInt64();
            var hash = new XxHash64(Seed(seed));
            var at = 0;
            while (at < data.Length)
            {
                var n = random.Next(0, data.Length - at + 1);
                hash.Append(data.AsSpan(at, n));
                at += n;
            }

            Assert.Equal(XxHash64.HashToUInt64(data, Seed(seed)), hash.GetCurrentHashAsUInt64());
        }
    }
}
