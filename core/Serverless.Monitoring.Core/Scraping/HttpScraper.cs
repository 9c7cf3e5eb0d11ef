using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Exposition;

namespace Serverless.Monitoring.Core.Scraping;

/// <summary>
/// Fetches a target's metrics as Prometheus does: GET with Prometheus's Accept header, gzip,
/// <c>X-Prometheus-Scrape-Timeout-Seconds</c>, the target's auth headers, the scrape timeout
/// as a deadline, and anything but 200 as a failure worded like Prometheus's.
/// </summary>
public sealed class HttpScraper
{
    /// <summary>Bodies larger than this fail the scrape instead of exhausting memory.</summary>
    public const int MaxBodyBytes = 256 << 20;

    private readonly HttpClient _client;
    private readonly string _userAgent;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TlsConfig, HttpClient> _tlsClients = new();

    /// <param name="client">
    /// A client whose handler decompresses gzip (see <see cref="CreateHandler"/>); its own
    /// timeout should be infinite, the scrape timeout is applied per request.
    /// </param>
    public HttpScraper(HttpClient client, string userAgent = "Serverless.Monitoring")
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _userAgent = userAgent;
    }

    /// <summary>A handler for scraping: gzip and deflate, connection reuse, no cookies, no redirects beyond upstream's 10.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        UseCookies = false,
        MaxAutomaticRedirections = 10,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A scraping handler with a <c>tls_config</c>: its CA as the only trust anchor, a client certificate, a server name, or no verification.</summary>
    public static SocketsHttpHandler CreateHandler(TlsConfig tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var handler = CreateHandler();
        var ssl = handler.SslOptions;
        if (tls.ServerName.Length > 0)
        {
            ssl.TargetHost = tls.ServerName;
        }

        var certPem = tls.CertFile.Length > 0 ? File.ReadAllText(tls.CertFile) : tls.Cert;
        var keyPem = tls.KeyFile.Length > 0 ? File.ReadAllText(tls.KeyFile) : tls.Key.Reveal();
        if (certPem.Length > 0 && keyPem.Length > 0)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPem(certPem, keyPem)];
        }

        var caPem = tls.CaFile.Length > 0 ? File.ReadAllText(tls.CaFile) : tls.Ca;
        if (tls.InsecureSkipVerify)
        {
            // The user asked for it (insecure_skip_verify: true), as Prometheus allows.
#pragma warning disable CA5359
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (caPem.Length > 0)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(caPem);
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return handler;
    }

    private HttpClient ClientFor(ScrapeTarget target) =>
        target.Tls == TlsConfig.Default || target.Url.Scheme != Uri.UriSchemeHttps
            ? _client
            : _tlsClients.GetOrAdd(target.Tls, static tls => new HttpClient(CreateHandler(tls)) { Timeout = Timeout.InfiniteTimeSpan });

    /// <summary>Scrapes <paramref name="target"/> once; never throws for what the target does (that is a failed <see cref="ScrapeResponse"/>).</summary>
    public async Task<ScrapeResponse> ScrapeAsync(ScrapeTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var stopwatch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(target.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, target.Url);
        request.Headers.TryAddWithoutValidation("Accept", ExpositionContentType.ScrapeAcceptHeader);
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        request.Headers.TryAddWithoutValidation("X-Prometheus-Scrape-Timeout-Seconds", target.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, value) in target.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        byte[]? buffer = null;
        try
        {
            using var response = await ClientFor(target).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return ScrapeResponse.Failed($"server returned HTTP status {(int)response.StatusCode} {response.ReasonPhrase}", stopwatch.Elapsed);
            }

            var contentType = response.Content.Headers.ContentType?.ToString();
            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            buffer = ArrayPool<byte>.Shared.Rent(64 << 10);
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxBodyBytes)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = null;
                        return ScrapeResponse.Failed($"body size limit exceeded ({MaxBodyBytes} bytes)", stopwatch.Elapsed);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), deadline.Token);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            var ok = new ScrapeResponse(buffer, length, contentType, null, stopwatch.Elapsed);
            buffer = null;
            return ok;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ScrapeResponse.Failed("context deadline exceeded", stopwatch.Elapsed);
        }
        catch (HttpRequestException ex)
        {
            return ScrapeResponse.Failed(ex.Message, stopwatch.Elapsed);
        }
        catch (IOException ex)
        {
            return ScrapeResponse.Failed(ex.Message, stopwatch.Elapsed);
        }
        catch (CryptographicException ex)
        {
            return ScrapeResponse.Failed("tls_config: " + ex.Message, stopwatch.Elapsed);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}

/// <summary>A scrape's response body (pooled: dispose when done) or why it failed.</summary>
public sealed class ScrapeResponse : IDisposable
{
    private byte[]? _buffer;

    internal ScrapeResponse(byte[]? buffer, int length, string? contentType, string? error, TimeSpan duration)
    {
        _buffer = buffer;
        Length = length;
        ContentType = contentType;
        Error = error;
        Duration = duration;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Body => _buffer is null ? ReadOnlyMemory<byte>.Empty : _buffer.AsMemory(0, Length);

    public string? ContentType { get; }

    /// <summary>Why the scrape failed, or null.</summary>
    public string? Error { get; }

    public TimeSpan Duration { get; }

    internal static ScrapeResponse Failed(string error, TimeSpan duration) => new(null, 0, null, error, duration);

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
