namespace Serverless.Monitoring.Core.Exposition;

/// <summary>
/// Chooses the parser for a scrape response by its Content-Type, as Prometheus does:
/// <c>application/openmetrics-text</c> (any version) is OpenMetrics, <c>text/plain</c> is the
/// text format, and anything else (missing, unparsable, unsupported such as protobuf) falls
/// back to the text format with a warning in Prometheus's words. Media types compare
/// case-insensitively; parameters do not matter.
/// </summary>
public static class ExpositionContentType
{
    /// <summary>
    /// The Accept header Prometheus (2.x) sends when scraping: OpenMetrics 1.0.0 first, then
    /// OpenMetrics 0.0.1, then text 0.0.4, then anything.
    /// </summary>
    public const string ScrapeAcceptHeader =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /// <summary>The OpenMetrics media type.</summary>
    public const string OpenMetricsMediaType = "application/openmetrics-text";

    /// <summary>The text format's media type.</summary>
    public const string TextMediaType = "text/plain";

    /// <summary>The format for <paramref name="contentType"/>, falling back to the text format.</summary>
    public static ExpositionFormat Negotiate(string? contentType) => Negotiate(contentType, out _);

    /// <summary>
    /// The format for <paramref name="contentType"/>; <paramref name="warning"/> says why when the
    /// text format was chosen as a fallback, and is <c>null</c> otherwise.
    /// </summary>
    public static ExpositionFormat Negotiate(string? contentType, out string? warning)
    {
        warning = null;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            warning = $"non-compliant scrape target sending blank Content-Type, using fallback_scrape_protocol \"{TextMediaType}\"";
            return ExpositionFormat.PrometheusText;
        }

        if (!TryGetMediaType(contentType, out var mediaType))
        {
            warning = $"could not parse received Content-Type \"{contentType}\", using fallback_scrape_protocol \"{TextMediaType}\"";
            return ExpositionFormat.PrometheusText;
        }

        if (mediaType.Equals(OpenMetricsMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return ExpositionFormat.OpenMetrics;
        }

        if (!mediaType.Equals(TextMediaType, StringComparison.OrdinalIgnoreCase))
        {
            warning = $"received unsupported Content-Type \"{contentType}\", using fallback_scrape_protocol \"{TextMediaType}\"";
        }

        return ExpositionFormat.PrometheusText;
    }

    /// <summary>A parser for <paramref name="payload"/> in the format <paramref name="contentType"/> names.</summary>
    public static ExpositionParser CreateParser(string? contentType, ReadOnlyMemory<byte> payload, ExpositionParserOptions? options = null) =>
        CreateParser(Negotiate(contentType), payload, options);

    /// <summary>A parser for <paramref name="payload"/> in <paramref name="format"/>.</summary>
    public static ExpositionParser CreateParser(ExpositionFormat format, ReadOnlyMemory<byte> payload, ExpositionParserOptions? options = null) =>
        format switch
        {
            ExpositionFormat.OpenMetrics => new OpenMetricsTextParser(payload, options),
            ExpositionFormat.PrometheusText => new PrometheusTextParser(payload),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown exposition format."),
        };

    /// <summary>The <c>type/subtype</c> before any parameters, if it is made of RFC 7230 token characters.</summary>
    private static bool TryGetMediaType(string contentType, out string mediaType)
    {
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var span = (semicolon < 0 ? contentType.AsSpan() : contentType.AsSpan(0, semicolon)).Trim();
        mediaType = string.Empty;
        var slash = span.IndexOf('/');
        if (slash <= 0 || slash == span.Length - 1 || !IsToken(span[..slash]) || !IsToken(span[(slash + 1)..]))
        {
            return false;
        }

        mediaType = span.ToString();
        return true;
    }

    private static bool IsToken(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
