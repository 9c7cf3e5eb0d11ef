using System.Text.Json;
using Serverless.Monitoring.Core.Alerting.Escalation;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// Our escalations API beside Alertmanager's: <c>GET /api/v2/escalations</c> lists the running ones,
/// <c>POST /api/v2/escalations/{id}/ack</c> with <c>{"by": …, "comment": …}</c> acknowledges one and
/// answers it as it stands after the ack. Errors in Alertmanager's style, a JSON string. Without a
/// registered <see cref="EscalationRegistry"/> (the router is off) every path answers as an unknown one.
/// </summary>
internal static class EscalationsEndpoints
{
    public static IEndpointRouteBuilder MapEscalationsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/v2/escalations", WithRegistry(ListAsync));
        endpoints.MapPost("/api/v2/escalations/{id}/ack", WithRegistry(AckAsync));
        return endpoints;
    }

    private static RequestDelegate WithRegistry(Func<HttpContext, EscalationRegistry, Task> handler) => context =>
        AlertmanagerResponses.ServedState<EscalationRegistry>(context) is { } registry
            ? handler(context, registry)
            : AlertmanagerResponses.WriteNotFoundPageAsync(context);

    private static async Task ListAsync(HttpContext context, EscalationRegistry registry)
    {
        var escalations = await registry.ListAsync(context.RequestAborted);
        await AlertmanagerResponses.WriteJsonAsync(context, StatusCodes.Status200OK, EscalationsJson.List(escalations));
    }

    private static async Task AckAsync(HttpContext context, EscalationRegistry registry)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        string? by = null;
        var comment = "";
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("the body must be a JSON object");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null) && property.Name is "by" or "comment")
                {
                    throw new JsonException($"{property.Name} must be a string");
                }

                if (property.Name == "by")
                {
                    by = property.Value.GetString();
                }
                else if (property.Name == "comment")
                {
                    comment = property.Value.GetString() ?? "";
                }
            }
        }
        catch (JsonException ex)
        {
            await AlertmanagerResponses.WriteMessageAsync(context, StatusCodes.Status400BadRequest, "invalid acknowledgement: " + ex.Message);
            return;
        }

        if (string.IsNullOrWhiteSpace(by))
        {
            await AlertmanagerResponses.WriteMessageAsync(context, StatusCodes.Status400BadRequest, "invalid acknowledgement: by is required");
            return;
        }

        var state = await registry.SignalAsync(id, EscalationSignal.Ack(by, comment), context.RequestAborted);
        if (state is null)
        {
            await AlertmanagerResponses.WriteMessageAsync(context, StatusCodes.Status404NotFound, "escalation not found");
            return;
        }

        await AlertmanagerResponses.WriteJsonAsync(context, StatusCodes.Status200OK, EscalationsJson.One(state));
    }
}

/// <summary>The silences and escalations endpoints, mapped together (one line in the host's endpoint map).</summary>
internal static class AlertmanagerStateEndpoints
{
    public static IEndpointRouteBuilder MapAlertmanagerStateEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapSilencesEndpoints().MapEscalationsEndpoints();
}
