using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Serverless.Monitoring.Benchmarks.Scraping;

/// <summary>
/// <c>scrape-load-serve &lt;port&gt; &lt;series&gt;</c>: the load generator of <see cref="ScrapeLoadCommand"/>,
/// run as its own process so its CPU is not counted as the scraper's. Kestrel on 127.0.0.1
/// answers <c>GET /metrics/{n}</c> with the same static payload for every n: the first
/// <c>series</c> samples of the real node_exporter scrape (<see cref="BenchmarkPayloads.NodeExporterFull"/>),
/// gzip-compressed (once, up front) when the request accepts gzip, as node_exporter does.
/// </summary>
public static class ScrapeLoadServer
{
    public const string Name = "scrape-load-serve";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length != 2
            || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var series))
        {
            await Console.Error.WriteLineAsync($"usage: {Name} <port> <series>");
            return 2;
        }

        var plain = Payload(series);
        var gzip = Gzip(plain);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        await using var app = builder.Build();
        app.MapGet("/metrics/{n:int}", (HttpContext context, int n) =>
        {
            var response = context.Response;
            response.ContentType = BenchmarkPayloads.TextContentType;
            var body = plain;
            if (context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                response.Headers.ContentEncoding = "gzip";
                body = gzip;
            }

            response.ContentLength = body.Length;
            return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
        });
        await Console.Out.WriteLineAsync($"serving {series} series ({plain.Length} bytes, {gzip.Length} gzipped) on 127.0.0.1:{port}");
        await app.RunAsync();
        return 0;
    }

    /// <summary>The first <paramref name="series"/> samples of the real payload, with their HELP and TYPE lines.</summary>
    public static byte[] Payload(int series)
    {
        var full = BenchmarkPayloads.Load(BenchmarkPayloads.NodeExporterFull);
        if (series > BenchmarkPayloads.NodeExporterFullSamples || series < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(series), series, $"between 1 and {BenchmarkPayloads.NodeExporterFullSamples} (the real payload's samples)");
        }

        var text = new StringBuilder();
        var samples = 0;
        foreach (var line in Encoding.UTF8.GetString(full).Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] != '#')
            {
                if (samples == series)
                {
                    break;
                }

                samples++;
            }

            text.Append(line).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
