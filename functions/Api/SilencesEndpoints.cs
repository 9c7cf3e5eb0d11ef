using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Alerting.Matchers;
using Serverless.Monitoring.Core.Alerting.Silences;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// Alertmanager 0.25's silences API v2 over the router's <see cref="SilenceStore"/>: list with
/// <c>filter</c>, create or update (update-or-replace as the store does), get and expire by ID, with
/// go-swagger's statuses and bodies. Without a registered store (the router is off) every path
/// answers as an unknown one.
/// </summary>
internal static partial class SilencesEndpoints
{
    public static IEndpointRouteBuilder MapSilencesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/v2/silences", WithStore(ListAsync));
        endpoints.MapPost("/api/v2/silences", WithStore(PostAsync));
        endpoints.MapGet("/api/v2/silence/{id}", WithStore(GetAsync));
        endpoints.MapDelete("/api/v2/silence/{id}", WithStore(DeleteAsync));
        return endpoints;
    }

    private static RequestDelegate WithStore(Func<HttpContext, SilenceStore, DateTimeOffset, Task> handler) => context =>
        AlertmanagerResponses.ServedState<SilenceStore>(context) is { } store
            ? handler(context, store, (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow())
            : AlertmanagerResponses.WriteNotFoundPageAsync(context);

    /// <summary>
    /// Each <c>filter</c> is one matcher in 0.25's classic syntax; a silence is listed when every filter
    /// matcher equals one of its own (<see cref="SilenceStore.MatchesFilter"/>), not when it matches labels.
    /// </summary>
    private static Task ListAsync(HttpContext context, SilenceStore store, DateTimeOffset now)
    {
        var filter = new List<LabelMatcher>();
        foreach (var text in context.Request.Query["filter"])
        {
            try
            {
                filter.Add(AlertmanagerMatchers.ParseOne(text ?? "", MatcherSyntax.Classic));
            }
            catch (FormatException ex)
            {
                return AlertmanagerResponses.WriteMessageAsync(context, StatusCodes.Status400BadRequest, ex.Message);
            }
        }

        var silences = store.Query().Where(s => SilenceStore.MatchesFilter(s, filter));
        return AlertmanagerResponses.WriteJsonAsync(context, StatusCodes.Status200OK, SilencesJson.GettableList(silences, now));
    }

    private static async Task PostAsync(HttpContext context, SilenceStore store, DateTimeOffset now)
    {
        if (UnsupportedMediaType(context.Request.ContentType) is { } mediaType)
        {
            await AlertmanagerResponses.WriteSwaggerErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status415UnsupportedMediaType,
                $"unsupported media type {GoJson.Quote(mediaType, escapeHtml: false)}, only [application/json] are allowed");
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var (silence, error) = PostableSilence.Read(body.GetBuffer().AsSpan(0, (int)body.Length));
        if (error is not null)
        {
            await AlertmanagerResponses.WriteSwaggerErrorAsync(context, error.Status, error.Code, error.Message);
            return;
        }

        if (SilenceValidation.ValidatePost(silence!, now) is { } invalid)
        {
            await AlertmanagerResponses.WriteMessageAsync(context, StatusCodes.Status400BadRequest, invalid);
            return;
        }

        string id;
        try
        {
            id = store.Set(silence!);
        }
        catch (SilenceException ex)
        {
            await AlertmanagerResponses.WriteMessageAsync(context, ex.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest, ex.Message);
            return;
        }

        await AlertmanagerResponses.WriteJsonAsync(context, StatusCodes.Status200OK, "{\"silenceID\":" + GoJson.Quote(id, escapeHtml: true) + "}");
    }

    private static Task GetAsync(HttpContext context, SilenceStore store, DateTimeOffset now)
    {
        if (InvalidId(context) is { } invalid)
        {
            return invalid;
        }

        return store.Get(Id(context)) is { } silence
            ? AlertmanagerResponses.WriteJsonAsync(context, StatusCodes.Status200OK, SilencesJson.Gettable(silence, now))
            : AlertmanagerResponses.WriteEmptyAsync(context, StatusCodes.Status404NotFound);
    }

    /// <summary>Expires the silence: 200 also for one already expired; an unknown ID is upstream's 500 <c>"silence not found"</c>.</summary>
    private static Task DeleteAsync(HttpContext context, SilenceStore store, DateTimeOffset now)
    {
        if (InvalidId(context) is { } invalid)
        {
            return invalid;
        }

        try
        {
            store.Expire(Id(context));
        }
        catch (SilenceException ex)
        {
            return AlertmanagerResponses.WriteMessageAsync(context, StatusCodes.Status500InternalServerError, ex.Message);
        }

        return AlertmanagerResponses.WriteEmptyAsync(context, StatusCodes.Status200OK);
    }

    private static string Id(HttpContext context) => (string)context.Request.RouteValues["id"]!;

    /// <summary>The path parameter has go-swagger's <c>uuid</c> format; anything else is 422 before the handler.</summary>
    private static Task? InvalidId(HttpContext context)
    {
        var id = Id(context);
        return UuidPattern().IsMatch(id)
            ? null
            : AlertmanagerResponses.WriteSwaggerErrorAsync(context, StatusCodes.Status422UnprocessableEntity, AlertmanagerResponses.CodeInvalidType,
                $"silenceID in path must be of type uuid: {GoJson.Quote(id, escapeHtml: false)}");
    }

    /// <summary>The media type when it is not JSON (go-swagger's consumers allow only application/json here).</summary>
    private static string? UnsupportedMediaType(string? contentType)
    {
        var mediaType = (contentType ?? "application/octet-stream").Split(';')[0].Trim();
        return string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase) ? null : mediaType;
    }

    [GeneratedRegex("^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32})$", RegexOptions.CultureInvariant)]
    private static partial Regex UuidPattern();
}
