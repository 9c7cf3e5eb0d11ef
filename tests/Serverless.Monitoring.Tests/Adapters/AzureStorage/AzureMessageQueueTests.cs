using System.Text;
using Azure.Storage.Queues;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Adapters.AzureStorage;

[Collection(AzuriteCollection.Name)]
public sealed class AzureMessageQueueTests(AzuriteFixture azurite)
{
    private async Task<IMessageQueue> NewQueueAsync(QueueOptions? options = null, string prefix = "q")
    {
        var queue = AzuriteTestEnvironment.CreateProvider(azurite).GetQueue(AzuriteTestEnvironment.UniqueName(prefix), options);
        await queue.CreateIfNotExistsAsync();
        await queue.CreateIfNotExistsAsync();
        return queue;
    }

    [Fact]
    public async Task Send_receive_ack_round_trip()
    {
        var queue = await NewQueueAsync();
        var body = new byte[] { 0, 1, 2, 250, 255, (byte)'<', (byte)'&' };
        var id = await queue.SendAsync(body);
        Assert.False(string.IsNullOrEmpty(id));

        var message = Assert.Single(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30)));
        Assert.Equal(id, message.Id);
        Assert.Equal(body, message.Body.ToArray());
        Assert.Equal(1, message.DequeueCount);
        Assert.True(message.InsertedOn > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));
        Assert.True(await queue.AckAsync(message));
        Assert.False(await queue.AckAsync(message));
    }

    [Fact]
    public async Task Largest_message_fits_and_one_more_byte_is_refused()
    {
        var queue = await NewQueueAsync();
        Assert.Equal(49152, queue.MaxMessageBytes);
        var body = new byte[queue.MaxMessageBytes];
        new Random(1).NextBytes(body);
        await queue.SendAsync(body);
        Assert.Equal(body, Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30))).Body.ToArray());
        var tooLarge = await Assert.ThrowsAsync<StorageRequestException>(() => queue.SendAsync(new byte[queue.MaxMessageBytes + 1]));
        Assert.Contains("49152", tooLarge.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_is_redelivered_after_the_visibility_timeout_and_the_old_receipt_goes_stale()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("again"u8.ToArray());
        var first = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1)));
        Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(1)));

        await Task.Delay(TimeSpan.FromSeconds(1.6));
        var second = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(2, second.DequeueCount);
        Assert.False(await queue.AckAsync(first));
        Assert.True(await queue.AckAsync(second));
    }

    [Fact]
    public async Task Initial_delay_hides_the_message()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("later"u8.ToArray(), TimeSpan.FromSeconds(1));
        Assert.Empty(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));
        await Task.Delay(TimeSpan.FromSeconds(1.6));
        Assert.Equal("later", Encoding.UTF8.GetString(Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30))).Body.Span));
    }

    [Fact]
    public async Task Receive_returns_at_most_the_requested_count()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 40; i++)
        {
            await queue.SendAsync(new[] { (byte)i });
        }

        var batch = await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30));
        Assert.Equal(32, batch.Count);
        var rest = await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30));
        Assert.Equal(8, rest.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (byte)i).Order(), batch.Concat(rest).Select(m => m.Body.Span[0]).Order());
    }

    [Fact]
    public async Task Bodies_are_base64_text_on_the_wire_and_plain_text_from_other_producers_is_read_as_utf8()
    {
        var queue = await NewQueueAsync();
        // Another producer's view of the same queue: the SDK without any message encoding.
        var raw = new QueueClient(azurite.ConnectionString, queue.QueueName, new QueueClientOptions(QueueClientOptions.ServiceVersion.V2024_11_04)
        {
            MessageEncoding = QueueMessageEncoding.None,
        });

        // What the Functions queue trigger (messageEncoding "none") and messages queued before the SDK adapter see.
        await queue.SendAsync("{\"a\":1}"u8.ToArray());
        var peeked = Assert.Single((await raw.PeekMessagesAsync(32)).Value);
        Assert.Equal(Convert.ToBase64String("{\"a\":1}"u8), peeked.Body.ToString());
        Assert.True(await queue.AckAsync(Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)))));

        await raw.SendMessageAsync("plain text & more");
        var message = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal("plain text & more", Encoding.UTF8.GetString(message.Body.Span));
    }
}
