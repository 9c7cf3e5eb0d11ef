using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Tests.Hosting;

public class ProcessMetricsTests
{
    [Theory]
    [InlineData("cat")]
    [InlineData("my (odd) name")]
    [InlineData("a) b")]
    public void Stat_fields_are_counted_after_the_command_name(string command)
    {
        var line = $"14904 ({command}) R 14902 14902 3557 0 -1 4194304 101 0 0 0 250 30 0 0 20 0 1 0 82264 3133440 386 "
            + "18446744073709551615 93828470403072 93828470422953 0\n";
        Assert.True(ProcessMetrics.TryParseStat(line, out var stat));
        Assert.Equal(new ProcessMetrics.ProcStat(UserTicks: 250, SystemTicks: 30, StartTicks: 82264, VirtualBytes: 3133440, ResidentPages: 386), stat);
    }

    [Theory]
    [InlineData("")]
    [InlineData("123 (x) R 1 2")]
    [InlineData("no parenthesis at all")]
    public void Truncated_stat_is_rejected(string line)
    {
        Assert.False(ProcessMetrics.TryParseStat(line, out _));
    }

    [Theory]
    [InlineData("Max open files            20000                20000                files     \n", 20000)]
    [InlineData("Max cpu time              unlimited            unlimited            seconds   \nMax open files            1024                 524288               files\n", 1024)]
    [InlineData("Max open files            unlimited            unlimited            files\n", double.PositiveInfinity)]
    [InlineData("Max processes             63704                63704                processes\n", double.NaN)]
    public void Max_open_files_is_the_soft_limit(string limits, double expected)
    {
        Assert.Equal(expected, ProcessMetrics.ParseMaxOpenFiles(limits));
    }
}
