using Serverless.Monitoring.Core.Notifier;
using Serverless.Monitoring.Core.Rules;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// <c>/api/v1/rules</c>, <c>/api/v1/alerts</c> and <c>/api/v1/alertmanagers</c>: the rule manager's
/// groups and the notifier's Alertmanagers as Prometheus 3 shows them (<see cref="RulesJson"/>). Both
/// hosts serve them; a host whose rule manager holds no groups answers empty lists.
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

    public static Task<ApiResult> ListRules(HttpContext context, ApiParameters parameters)
    {
        var request = RulesRequest.Parse(parameters);
        var page = RulesPage.Select(Groups(context), request);
        var zone = LocalZone(context);
        return Task.FromResult(new ApiResult(json => RulesJson.WriteRules(json, page, request.ExcludeAlerts, zone)));
    }

    public static Task<ApiResult> ListAlerts(HttpContext context, ApiParameters parameters)
    {
        var groups = Groups(context);
        return Task.FromResult(new ApiResult(json => RulesJson.WriteAlerts(json, groups)));
    }

    public static Task<ApiResult> ListAlertmanagers(HttpContext context, ApiParameters parameters)
    {
        var notifier = context.RequestServices.GetRequiredService<NotificationManager>();
        var (active, dropped) = (notifier.Alertmanagers, notifier.DroppedAlertmanagers);
        return Task.FromResult(new ApiResult(json => RulesJson.WriteAlertmanagers(json, active, dropped)));
    }

    /// <summary>A snapshot of every group (each taken under its evaluator's lock, between two rules).</summary>
    private static List<Core.Rules.Evaluation.RuleGroupStatus> Groups(HttpContext context) =>
        [.. context.RequestServices.GetRequiredService<RuleManager>().Groups.Values.Select(g => g.GetStatus())];

    /// <summary>Where Go's <c>time.Now()</c> readings are printed: the host's local zone.</summary>
    private static TimeZoneInfo LocalZone(HttpContext context) =>
        (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).LocalTimeZone;
}
