using System.Text;
using System.IO.Hashing;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Model;

public sealed class SeriesIdTests
{
    /// <summary>
    /// Pinned IDs. Series IDs are persisted: if one of these changes, stored data no longer
    /// matches. Never update them to make the test pass.
    /// </summary>
    public static TheoryData<string[], ulong> Pinned => new()
    {
        { [], 0xEF46DB3751D8E999UL },
        { ["__name__", "up", "job", "x"], PinnedUpJobX },
        { ["__name__", "http_requests_total", "code", "200", "instance", "10.0.0.1:9100", "job", "api"], PinnedHttpRequests },
        { ["service.name", "checkout", "größe", "😀"], PinnedUtf8 },
    };

    // Cross-checked with the reference xxhsum (-H64) over the canonical bytes.
    private const ulong PinnedUpJobX = 0x447B970BFC1F7804UL;
    private const ulong PinnedHttpRequests = 0x245CE731C13AD0CBUL;
    private const ulong PinnedUtf8 = 0xEBE8E28EC7FC10F6UL;

    [Theory]
    [MemberData(nameof(Pinned))]
    public void Ids_are_pinned(string[] pairs, ulong expected)
    {
        Assert.Equal(new SeriesId(expected), LabelSet.FromStrings(pairs).Id);
    }

    [Fact]
    public void Id_is_xxhash64_of_the_canonical_encoding()
    {
        var set = LabelSet.FromStrings("job", "x", "__name__", "up");
        var canonical = Encoding.UTF8.GetBytes("__name__\u0001up\u0001job\u0001x\u0001").Select(b => b == 1 ? (byte)0xFF : b).ToArray();

        Assert.Equal(XxHash64.HashToUInt64(canonical), set.Id.Value);
        Assert.Equal(set.Id, SeriesId.Of(set));
    }

    [Fact]
    public void Separators_keep_boundaries_apart()
    {
        Assert.NotEqual(LabelSet.FromStrings("ab", "c").Id, LabelSet.FromStrings("a", "bc").Id);
        Assert.NotEqual(LabelSet.FromStrings("a", "b", "c", "d").Id, LabelSet.FromStrings("a", "b\u00ffc\u00ffd").Id);
    }

    [Fact]
    public void Large_label_sets_hash_the_same_way()
    {
        var pairs = Enumerable.Range(0, 100).SelectMany(i => new[] { $"label_{i:D3}", new string('v', 20) + i }).ToArray();
        var set = LabelSet.FromStrings(pairs);
        var canonical = new List<byte>();
        foreach (var l in set)
        {
            canonical.AddRange(Encoding.UTF8.GetBytes(l.Name));
            canonical.Add(0xFF);
            canonical.AddRange(Encoding.UTF8.GetBytes(l.Value));
            canonical.Add(0xFF);
        }

        Assert.True(canonical.Count > 512);
        Assert.Equal(XxHash64.HashToUInt64(canonical.ToArray()), set.Id.Value);
    }

    [Fact]
    public void Text_form_round_trips()
    {
        var id = new SeriesId(0x00ab_cdef_0123_4567UL);
        Assert.Equal("00abcdef01234567", id.ToString());
        Assert.Equal(id, SeriesId.Parse("00abcdef01234567"));
        Assert.False(SeriesId.TryParse("abc", out _));
        Assert.False(SeriesId.TryParse("zzzzzzzzzzzzzzzz", out _));
        Assert.False(SeriesId.TryParse(null, out _));
        Assert.Throws<FormatException>(() => SeriesId.Parse("x"));
    }
}
