using System.Text;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Tests.Storage.Conformance;

public abstract class MessageQueueConformanceTests : StorageConformanceBase
{
    private static readonly TimeSpan ShortVisibility = TimeSpan.FromSeconds(1);

    private async Task<IMessageQueue> NewQueueAsync(QueueOptions? options = null)
    {
        var queue = Provider.GetQueue(NewContainerName("q"), options);
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    private static ReadOnlyMemory<byte> Body(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(QueueMessage m) => Encoding.UTF8.GetString(m.Body.Span);

    /// <summary>Receives until a message shows up or the deadline passes.</summary>
    private static async Task<IReadOnlyList<QueueMessage>> ReceiveWithinAsync(IMessageQueue queue, TimeSpan within, TimeSpan visibility)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var got = await queue.ReceiveAsync(32, visibility);
            if (got.Count > 0 || DateTime.UtcNow > deadline)
            {
                return got;
            }

            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Send_receive_ack_round_trips_binary_bodies()
    {
        var queue = await NewQueueAsync();
        var body = DeterministicBytes(1000, 7);
        var id = await queue.SendAsync(body);
        Assert.False(string.IsNullOrEmpty(id));

        var got = await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30));
        var message = Assert.Single(got);
        Assert.Equal(id, message.Id);
        Assert.Equal(body, message.Body.ToArray());
        Assert.Equal(1, message.DequeueCount);

        Assert.True(await queue.AckAsync(message));
        Assert.Empty(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Messages_come_back_in_send_order_up_to_the_requested_count()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 5; i++)
        {
            await queue.SendAsync(Body($"m{i}"));
        }

        var first = await queue.ReceiveAsync(3, TimeSpan.FromSeconds(30));
        Assert.Equal(["m0", "m1", "m2"], first.Select(Text));
        var rest = await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30));
        Assert.Equal(["m3", "m4"], rest.Select(Text));
    }

    [Fact]
    public async Task An_unacknowledged_message_is_redelivered_after_the_visibility_timeout()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync(Body("again"));

        var first = Assert.Single(await queue.ReceiveAsync(1, ShortVisibility));
        Assert.Empty(await queue.ReceiveAsync(1, ShortVisibility));

        var second = Assert.Single(await ReceiveWithinAsync(queue, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)));
        Assert.Equal(first.Id, second.Id);
        Assert.Equal("again", Text(second));
        Assert.Equal(2, second.DequeueCount);

        Assert.False(await queue.AckAsync(first), "a stale receipt must not delete the redelivered message");
        Assert.True(await queue.AckAsync(second));
        Assert.Empty(await queue.ReceiveAsync(1, ShortVisibility));
    }

    [Fact]
    public async Task A_message_goes_to_the_poison_queue_after_the_delivery_limit()
    {
        var queue = await NewQueueAsync(new QueueOptions { MaxDeliveryCount = 2 });
        await queue.SendAsync(Body("poison"));
        await queue.SendAsync(Body("healthy"));

        var deliveries = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var m in await queue.ReceiveAsync(32, ShortVisibility))
            {
                if (Text(m) == "healthy")
                {
                    Assert.True(await queue.AckAsync(m));
                }
                else
                {
                    deliveries++;
                    Assert.True(m.DequeueCount <= 2, $"delivered {m.DequeueCount} times, limit 2");
                }
            }

            if (deliveries == 2)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(2, deliveries);

        // The third delivery attempt moves it instead of returning it.
        await Task.Delay(ShortVisibility + TimeSpan.FromMilliseconds(300));
        Assert.Empty(await queue.ReceiveAsync(32, ShortVisibility));

        var poison = Provider.GetQueue(queue.QueueName + "-poison");
        var moved = Assert.Single(await ReceiveWithinAsync(poison, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)));
        Assert.Equal("poison", Text(moved));
        Assert.Empty(await ReceiveWithinAsync(queue, TimeSpan.FromSeconds(2), ShortVisibility));
    }

    [Fact]
    public async Task A_delayed_message_stays_hidden_until_its_delay()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync(Body("later"), TimeSpan.FromSeconds(1));
        Assert.Empty(await queue.ReceiveAsync(1, ShortVisibility));
        var got = Assert.Single(await ReceiveWithinAsync(queue, TimeSpan.FromSeconds(10), ShortVisibility));
        Assert.Equal("later", Text(got));
    }

    [Fact]
    public void Queue_names_follow_Azure_rules_and_leave_room_for_the_poison_suffix()
    {
        Assert.Throws<StorageRequestException>(() => Provider.GetQueue(new string('a', 57)));
        Assert.Throws<StorageRequestException>(() => Provider.GetQueue("Upper"));
        Assert.Throws<StorageRequestException>(() => Provider.GetQueue("a--b"));
        Assert.Equal(new string('a', 56), Provider.GetQueue(new string('a', 56)).QueueName);
    }

    [Fact]
    public async Task The_largest_body_is_accepted_and_a_larger_one_rejected()
    {
        var queue = await NewQueueAsync();
        Assert.True(queue.MaxMessageBytes >= 32 * 1024);
        var largest = DeterministicBytes(queue.MaxMessageBytes, 3);
        await queue.SendAsync(largest);
        await Assert.ThrowsAsync<StorageRequestException>(() => queue.SendAsync(new byte[queue.MaxMessageBytes + 1]));

        var got = Assert.Single(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30)));
        Assert.Equal(largest, got.Body.ToArray());
    }
}
