using System.Globalization;
using System.Text;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// <c>/api/v1/series</c>, <c>/api/v1/labels</c> (GET and form POST) and
/// <c>/api/v1/label/&lt;name&gt;/values</c> (GET): <c>match[]</c>, <c>start</c>, <c>end</c>
/// (default: all time) and <c>limit</c>, as upstream.
/// </summary>
internal static class SeriesEndpoints
{
    private const string Truncated = "results truncated due to limit";
    private static readonly string[] GetAndPost = [HttpMethods.Get, HttpMethods.Post];

    public static IEndpointRouteBuilder MapSeriesEndpoints(this IEndpointRouteBuilder endpoints, ApiServices api)
    {
        endpoints.MapMethods("/api/v1/series", GetAndPost, ApiHandler.Wrap((context, p) => SeriesAsync(api, p, context.RequestAborted)));
        endpoints.MapMethods("/api/v1/labels", GetAndPost, ApiHandler.Wrap((context, p) => LabelNamesAsync(api, p, context.RequestAborted)));
        endpoints.MapGet("/api/v1/label/{name}/values", ApiHandler.Wrap((context, p) =>
            LabelValuesAsync(api, p, context.Request.RouteValues["name"] as string ?? string.Empty, context.RequestAborted)));
        return endpoints;
    }

    private static async Task<ApiResult> SeriesAsync(ApiServices api, ApiParameters p, CancellationToken cancellationToken)
    {
        var selectors = p.All("match[]");
        if (selectors.Count == 0)
        {
            throw ApiErrors.BadData("no match[] parameter provided");
        }

        var limit = p.Limit();
        var start = p.Time("start", ApiParameters.MinTimeMs);
        var end = p.Time("end", ApiParameters.MaxTimeMs);
        List<IReadOnlyList<LabelMatcher>> sets;
        try
        {
            sets = ApiParameters.ParseMatchers(selectors);
        }
        catch (ApiException ex)
        {
            throw ApiErrors.InvalidParameter("match[]", ex.Message);
        }

        var storage = await api.GetStorageAsync();
        var found = new SortedSet<LabelSet>(Comparer<LabelSet>.Create(LabelSet.Compare));
        foreach (var matchers in sets)
        {
            found.UnionWith(await storage.SeriesAsync(matchers, start, end, cancellationToken));
        }

        var warnings = new List<string>();
        IEnumerable<LabelSet> series = found;
        if (limit > 0 && found.Count > limit)
        {
            series = found.Take(limit);
            warnings.Add(Truncated);
        }

        var list = series.ToList();
        return new ApiResult(
            json =>
            {
                json.WriteStartArray();
                foreach (var labels in list)
                {
                    PrometheusJsonWriter.WriteLabels(json, labels);
                }

                json.WriteEndArray();
            },
            warnings);
    }

    private static async Task<ApiResult> LabelNamesAsync(ApiServices api, ApiParameters p, CancellationToken cancellationToken)
    {
        var limit = p.Limit();
        var start = p.Time("start", ApiParameters.MinTimeMs);
        var end = p.Time("end", ApiParameters.MaxTimeMs);
        var sets = ApiParameters.ParseMatchers(p.All("match[]"));
        var storage = await api.GetStorageAsync();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (sets.Count == 0)
        {
            names.UnionWith(await storage.LabelNamesAsync(start, end, null, cancellationToken));
        }

        foreach (var matchers in sets)
        {
            names.UnionWith(await storage.LabelNamesAsync(start, end, matchers, cancellationToken));
        }

        return Strings(names, limit);
    }

    private static async Task<ApiResult> LabelValuesAsync(ApiServices api, ApiParameters p, string name, CancellationToken cancellationToken)
    {
        if (name.StartsWith("U__", StringComparison.Ordinal))
        {
            name = UnescapeName(name);
        }

        if (!LabelValidation.IsValidLabelName(name))
        {
            throw ApiErrors.BadData($"invalid label name: {Core.PromQL.Printer.GoQuote(name)}");
        }

        var limit = p.Limit();
        var start = p.Time("start", ApiParameters.MinTimeMs);
        var end = p.Time("end", ApiParameters.MaxTimeMs);
        var sets = ApiParameters.ParseMatchers(p.All("match[]"));
        var storage = await api.GetStorageAsync();
        var values = new SortedSet<string>(StringComparer.Ordinal);
        if (sets.Count == 0)
        {
            values.UnionWith(await storage.LabelValuesAsync(name, start, end, null, cancellationToken));
        }

        foreach (var matchers in sets)
        {
            values.UnionWith(await storage.LabelValuesAsync(name, start, end, matchers, cancellationToken));
        }

        return Strings(values, limit);
    }

    private static ApiResult Strings(SortedSet<string> values, int limit)
    {
        var warnings = new List<string>();
        var list = values.ToList();
        if (limit > 0 && list.Count > limit)
        {
            list = list[..limit];
            warnings.Add(Truncated);
        }

        return new ApiResult(
            json =>
            {
                json.WriteStartArray();
                foreach (var value in list)
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
            },
            warnings);
    }

    /// <summary>
    /// Upstream's value-encoding unescaping of <c>U__</c> names: <c>__</c> is <c>_</c>, <c>_1f600_</c> is
    /// the code point; a malformed name is returned as given.
    /// </summary>
    private static string UnescapeName(string escaped)
    {
        var s = escaped.AsSpan(3);
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '_')
            {
                sb.Append(s[i]);
                continue;
            }

            if (i + 1 < s.Length && s[i + 1] == '_')
            {
                sb.Append('_');
                i++;
                continue;
            }

            var close = s[(i + 1)..].IndexOf('_');
            if (close <= 0 || !int.TryParse(s.Slice(i + 1, close), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var codePoint)
                || codePoint > 0x10FFFF || codePoint is >= 0xD800 and <= 0xDFFF)
            {
                return escaped;
            }

            sb.Append(char.ConvertFromUtf32(codePoint));
            i += close + 1;
        }

        return sb.ToString();
    }
}
