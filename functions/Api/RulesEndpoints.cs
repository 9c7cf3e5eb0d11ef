using Serverless.Monitoring.Core.Notifier;
using Serverless.Monitoring.Core.Rules;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// <c>/api/v1/rules</c>, <c>/api/v1/alerts</c> and <c>/api/v1/alertmanagers</c>: the rule manager's
/// groups and the notifier's Alertmanagers as Prometheus 3 shows them (<see cref="RulesJson"/>). Both
/// hosts serve them from the groups' <see cref="IRuleGroups"/>.
/// </summary>
internal static class RulesEndpoints
{
    public static IEndpointRouteBuilder MapRulesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/rules", ApiHandler.Wrap(ListRules));
        endpoints.MapGet("/api/v1/alerts", ApiHandler.Wrap(ListAlerts));
        endpoints.MapGet("/api/v1/alertmanagers", ApiHandler.Wrap(ListAlertmanagers));
        return endpoints;
    }

    public static async Task<ApiResult> ListRules(HttpContext context, ApiParameters parameters)
    {
        var request = RulesRequest.Parse(parameters);
        var page = RulesPage.Select(await GroupsAsync(context).ConfigureAwait(false), request);
        var zone = LocalZone(context);
        return new ApiResult(json => RulesJson.WriteRules(json, page, request.ExcludeAlerts, zone));
    }

    public static async Task<ApiResult> ListAlerts(HttpContext context, ApiParameters parameters)
    {
        var groups = await GroupsAsync(context).ConfigureAwait(false);
        return new ApiResult(json => RulesJson.WriteAlerts(json, groups));
    }

    public static Task<ApiResult> ListAlertmanagers(HttpContext context, ApiParameters parameters)
    {
        var notifier = context.RequestServices.GetRequiredService<NotificationManager>();
        var (active, dropped) = (notifier.Alertmanagers, notifier.DroppedAlertmanagers);
        return Task.FromResult(new ApiResult(json => RulesJson.WriteAlertmanagers(json, active, dropped)));
    }

    /// <summary>
    /// A snapshot of every group: the embedded server's evaluators in memory (each taken between two
    /// rules), the function app's from the state each group's last evaluation saved.
    /// </summary>
    private static Task<IReadOnlyList<Core.Rules.Evaluation.RuleGroupStatus>> GroupsAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<IRuleGroups>().StatusesAsync(context.RequestAborted);

    /// <summary>Where Go's <c>time.Now()</c> readings are printed: the host's local zone.</summary>
    private static TimeZoneInfo LocalZone(HttpContext context) =>
        (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).LocalTimeZone;
}
