using System.Collections.Concurrent;
using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Discovery;

public sealed class FileSdWatcherTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _dir = new("sm-filesd-watch-");

    [Fact]
    public async Task Rereads_when_files_change_appear_and_disappear()
    {
        File.WriteAllText(_dir.Combine("a.json"), """[{"targets": ["a:1"]}]""");
        var config = new FileSdConfig { Files = [_dir.Combine("*.json"), _dir.Combine("*.yml")], RefreshInterval = TimeSpan.FromHours(1) };
        await using var watcher = new FileSdWatcher(config);
        var updates = new BlockingCollection<IReadOnlyList<TargetGroup>>();
        watcher.Changed += updates.Add;

        await watcher.StartAsync();
        Assert.Equal(["a:1"], Addresses(watcher.Current));

        // Changed in place.
        File.WriteAllText(_dir.Combine("a.json"), """[{"targets": ["a:1", "a:2"]}]""");
        Assert.Equal(["a:1", "a:2"], await NextAsync(updates, g => Addresses(g).Length == 2));

        // A new file matching the other glob.
        File.WriteAllText(_dir.Combine("b.yml"), "- targets: ['b:1']\n");
        Assert.Equal(["a:1", "a:2", "b:1"], await NextAsync(updates, g => Addresses(g).Length == 3));

        // A broken write keeps the previous groups of that file and reports why.
        File.WriteAllText(_dir.Combine("b.yml"), "- targets: [\n");
        await WaitUntilAsync(() => watcher.Errors.ContainsKey(_dir.Combine("b.yml")));
        Assert.Equal(["a:1", "a:2", "b:1"], Addresses(watcher.Current));

        // A deleted file takes its groups along.
        File.Delete(_dir.Combine("a.json"));
        Assert.Equal(["b:1"], await NextAsync(updates, g => Addresses(g).Length == 1));
    }

    [Fact]
    public async Task Periodic_refresh_catches_changes_without_file_events()
    {
        var path = _dir.Combine("t.json");
        File.WriteAllText(path, """[{"targets": ["x:1"]}]""");
        var config = new FileSdConfig { Files = [path], RefreshInterval = TimeSpan.FromMilliseconds(200) };
        await using var watcher = new FileSdWatcher(config, useFileSystemEvents: false);
        await watcher.StartAsync();
        Assert.Equal(["x:1"], Addresses(watcher.Current));

        File.WriteAllText(path, """[{"targets": ["y:1"]}]""");
        await WaitUntilAsync(() => Addresses(watcher.Current) is ["y:1"]);
    }

    public void Dispose() => _dir.Dispose();

    private static string[] Addresses(IReadOnlyList<TargetGroup> groups) => groups.SelectMany(g => g.Addresses).ToArray();

    private static async Task<string[]> NextAsync(BlockingCollection<IReadOnlyList<TargetGroup>> updates, Func<IReadOnlyList<TargetGroup>, bool> wanted)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var groups = await Task.Run(() => updates.Take(timeout.Token), timeout.Token);
            if (wanted(groups))
            {
                return Addresses(groups);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(50);
        }
    }
}
