using Serverless.Monitoring.Core.Exposition;

namespace Serverless.Monitoring.Tests.Exposition;

public sealed class ExpositionContentTypeTests
{
    [Theory]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.OpenMetrics)]
    [InlineData("application/openmetrics-text;version=0.0.1", ExpositionFormat.OpenMetrics)]
    [InlineData("Application/OpenMetrics-Text", ExpositionFormat.OpenMetrics)]
    [InlineData("text/plain; version=0.0.4; charset=utf-8", ExpositionFormat.PrometheusText)]
    [InlineData("text/plain", ExpositionFormat.PrometheusText)]
    [InlineData(" TEXT/PLAIN ;charset=utf-8", ExpositionFormat.PrometheusText)]
    public void Chooses_the_format_by_media_type(string contentType, ExpositionFormat expected)
    {
        Assert.Equal(expected, ExpositionContentType.Negotiate(contentType, out var warning));
        Assert.Null(warning);
    }

    [Theory]
    [InlineData(null, "non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol \"text/plain\"")]
    [InlineData("", "non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol \"text/plain\"")]
    [InlineData("application/json", "received unsupported Content-Type \"application/json\", using fallback_scrape_protocol \"text/plain\"")]
    [InlineData(
        "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited",
        "received unsupported Content-Type \"application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited\", using fallback_scrape_protocol \"text/plain\"")]
    [InlineData("garbage", "could not parse received Content-Type \"garbage\", using fallback_scrape_protocol \"text/plain\"")]
    [InlineData("text/", "could not parse received Content-Type \"text/\", using fallback_scrape_protocol \"text/plain\"")]
    public void Falls_back_to_text_with_a_warning(string? contentType, string expected)
    {
        Assert.Equal(ExpositionFormat.PrometheusText, ExpositionContentType.Negotiate(contentType, out var warning));
        Assert.Equal(expected, warning);
    }

    [Fact]
    public void Sends_prometheus_accept_header()
    {
        Assert.Equal(
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
            ExpositionContentType.ScrapeAcceptHeader);
    }

    [Fact]
    public void Creates_the_matching_parser()
    {
        Assert.IsType<OpenMetricsTextParser>(ExpositionContentType.CreateParser(OpenMetricsTextParser.ContentType, "# EOF\n"u8.ToArray()));
        Assert.IsType<PrometheusTextParser>(ExpositionContentType.CreateParser(PrometheusTextParser.ContentType, "a 1\n"u8.ToArray()));
        Assert.IsType<PrometheusTextParser>(ExpositionContentType.CreateParser((string?)null, "a 1\n"u8.ToArray()));
        Assert.Equal(ExpositionFormat.OpenMetrics, ExpositionContentType.Negotiate(OpenMetricsTextParser.ContentType));
    }
}
