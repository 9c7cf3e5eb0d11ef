using Serverless.Monitoring.Core.Bus;

namespace Serverless.Monitoring.Tests.Bus;

public sealed class IngestProcessorTests
{
    public static TheoryData<string[], string[], bool> BatchIdCases => new()
    {
        { ["a", "b"], ["b", "a"], true },
        { ["a", "b", "a"], ["b", "a"], true },
        { ["a", "b"], ["a", "c"], false },
        { ["a"], ["a", "b"], false },
        // A separator inside an ID must not make two different sets collide.
        { ["a\nb"], ["a", "b"], false },
        { ["queue:q:1"], ["queue:q:1"], true },
    };

    [Theory]
    [MemberData(nameof(BatchIdCases))]
    public void Batch_ids_depend_on_the_set_of_message_ids_only(string[] first, string[] second, bool same)
    {
        var a = IngestProcessor.BatchIdFor(first);
        var b = IngestProcessor.BatchIdFor(second);

        Assert.Equal(same, a == b);
        Assert.Matches("^bus-[0-9a-f]{32}$", a);
    }
}
