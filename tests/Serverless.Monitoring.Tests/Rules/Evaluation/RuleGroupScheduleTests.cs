using System.IO.Hashing;
using System.Text;
using Serverless.Monitoring.Core.Rules.Evaluation;

namespace Serverless.Monitoring.Tests.Rules.Evaluation;

/// <summary>The evaluation grid: upstream's <c>EvalTimestamp</c> arithmetic, its hash, and skipped ticks.</summary>
public sealed class RuleGroupScheduleTests
{
    private const long S = 1_000_000_000;

    /// <summary>Interval (s), offset (ns), instant (ns), the slot at or before it, the next slot after it.</summary>
    public static TheoryData<long, long, long, long, long> Slots => new()
    {
        { 60, 0, 0, 0, 60 * S },
        { 60, 0, 59 * S, 0, 60 * S },
        { 60, 0, 60 * S, 60 * S, 120 * S }, // on a slot: that slot; the next is strictly after
        { 60, 7 * S, 1000 * S, 967 * S, 1027 * S },
        { 60, 7 * S, 967 * S, 967 * S, 1027 * S },
        { 60, 7 * S, (967 * S) - 1, 907 * S, 967 * S },
        { 60, 7 * S, 1_700_000_000 * S, (1_699_999_980 * S) + (7 * S), 1_700_000_047 * S },
        { 15, 123_456_789, 30 * S, (15 * S) + 123_456_789, (30 * S) + 123_456_789 },
    };

    /// <summary>Interval (s), last slot (s), now (s): slots missed and the slot evaluated now.</summary>
    public static TheoryData<long, long, double, long, long> Ticks => new()
    {
        { 10, 100, 110.001, 0, 110 }, // on time
        { 10, 100, 119.9, 0, 110 },
        { 10, 100, 120, 1, 120 }, // one tick lost
        { 10, 100, 135, 2, 130 }, // the latest slot not after now
        { 10, 100, 105, 0, 110 }, // early: never the same slot again (upstream would repeat it)
    };

    [Theory]
    [MemberData(nameof(Slots))]
    public void Slots_are_upstreams_EvalTimestamp(long intervalSeconds, long offset, long instant, long slot, long next)
    {
        var schedule = new RuleGroupSchedule(TimeSpan.FromSeconds(intervalSeconds), offset);
        Assert.Equal(slot, schedule.SlotAtOrBefore(instant));
        Assert.Equal(next, schedule.NextEvaluationAfter(instant));
    }

    [Theory]
    [MemberData(nameof(Ticks))]
    public void Missed_ticks_are_skipped_and_counted(long intervalSeconds, long last, double now, long missed, long slot)
    {
        var schedule = new RuleGroupSchedule(TimeSpan.FromSeconds(intervalSeconds), 0);
        var nowNs = (long)(now * S);
        Assert.Equal(missed, schedule.IterationsMissed(last * S, nowNs));
        Assert.Equal((slot * S, missed), schedule.Advance(last * S, nowNs));
    }

    [Theory]
    [InlineData("g", "rules.yml")]
    [InlineData("node", "/etc/prometheus/rules/node.yml")]
    [InlineData("ünïcode", "")]
    public void The_hash_is_xxhash64_of_the_encoded_labels_file_then_name(string name, string file)
    {
        // stringlabels (Prometheus 3): each string prefixed by its UTF-8 length.
        var v3 = new List<byte>();
        foreach (var s in new[] { "file", file, "name", name })
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            v3.Add((byte)bytes.Length);
            v3.AddRange(bytes);
        }

        // slicelabels (Prometheus 2): each string followed by 0xFF.
        var v2 = new List<byte>();
        foreach (var s in new[] { "file", file, "name", name })
        {
            v2.AddRange(Encoding.UTF8.GetBytes(s));
            v2.Add(0xFF);
        }

        Assert.Equal(XxHash64.HashToUInt64(v3.ToArray()), RuleGroupSchedule.GroupHash(name, file));
        Assert.Equal(XxHash64.HashToUInt64(v2.ToArray()), RuleGroupSchedule.GroupHash(name, file, RuleGroupHash.Prometheus2));
    }

    [Fact]
    public void Long_strings_get_a_four_byte_length_in_the_Prometheus_3_encoding()
    {
        var file = new string('f', 300);
        byte[] expected = [4, .. "file"u8, 0xFF, 44, 1, 0, .. Encoding.UTF8.GetBytes(file), 4, .. "name"u8, 1, (byte)'g'];
        Assert.Equal(XxHash64.HashToUInt64(expected), RuleGroupSchedule.GroupHash("g", file));
    }

    [Fact]
    public void The_phase_is_the_hash_modulo_the_interval_and_stable()
    {
        var interval = TimeSpan.FromSeconds(30);
        var schedule = RuleGroupSchedule.For("node", "/etc/prometheus/node.yml", interval);
        Assert.Equal((long)(RuleGroupSchedule.GroupHash("node", "/etc/prometheus/node.yml") % (30UL * S)), schedule.OffsetNanos);

        // Pinned: a changed phase would move every group's evaluations after an upgrade.
        Assert.Equal(20_691_503_533L, schedule.OffsetNanos);
        Assert.Equal(6_113_764_695L, RuleGroupSchedule.For("node", "/etc/prometheus/node.yml", interval, RuleGroupHash.Prometheus2).OffsetNanos);
        Assert.Equal(schedule, RuleGroupSchedule.For("node", "/etc/prometheus/node.yml", interval));
        Assert.NotEqual(schedule.OffsetNanos, RuleGroupSchedule.For("node2", "/etc/prometheus/node.yml", interval).OffsetNanos);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RuleGroupSchedule(TimeSpan.Zero, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RuleGroupSchedule(TimeSpan.FromSeconds(1), S));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RuleGroupSchedule(TimeSpan.FromSeconds(1), -1));
    }
}
