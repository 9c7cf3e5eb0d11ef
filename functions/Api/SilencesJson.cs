using System.Text;
using Serverless.Monitoring.Core.Alerting.Silences;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// Alertmanager 0.25's <c>gettableSilence</c> in go-swagger's field order (<c>id</c>, <c>status</c>,
/// <c>updatedAt</c>, then the embedded silence's fields alphabetically; matchers' fields too), and the
/// list order of its <c>SortSilences</c>.
/// </summary>
internal static class SilencesJson
{
    public static string Gettable(Silence silence, DateTimeOffset now)
    {
        var json = new StringBuilder(256);
        Append(json, silence, now);
        return json.ToString();
    }

    public static string GettableList(IEnumerable<Silence> silences, DateTimeOffset now)
    {
        var json = new StringBuilder("[");
        var first = true;
        foreach (var silence in Sort(silences, now))
        {
            if (!first)
            {
                json.Append(',');
            }

            first = false;
            Append(json, silence, now);
        }

        return json.Append(']').ToString();
    }

    /// <summary>
    /// Upstream's <c>SortSilences</c>: active, then pending, then expired; active by the end (next to
    /// expire first), pending by the start, expired by the end, latest first. Ties by ID, where
    /// upstream leaves map order.
    /// </summary>
    public static IReadOnlyList<Silence> Sort(IEnumerable<Silence> silences, DateTimeOffset now) =>
        [.. silences
            .Select(s => (Silence: s, State: s.StateAt(now)))
            .OrderBy(x => x.State switch { SilenceState.Active => 0, SilenceState.Pending => 1, _ => 2 })
            .ThenBy(x => x.State switch
            {
                SilenceState.Active => x.Silence.EndsAt.UtcTicks,
                SilenceState.Pending => x.Silence.StartsAt.UtcTicks,
                _ => -x.Silence.EndsAt.UtcTicks,
            })
            .ThenBy(x => x.Silence.Id, StringComparer.Ordinal)
            .Select(x => x.Silence)];

    public static string StateName(SilenceState state) => state switch
    {
        SilenceState.Active => "active",
        SilenceState.Pending => "pending",
        _ => "expired",
    };

    private static void Append(StringBuilder json, Silence s, DateTimeOffset now)
    {
        json.Append("{\"id\":").Append(Quote(s.Id))
            .Append(",\"status\":{\"state\":\"").Append(StateName(s.StateAt(now))).Append("\"}")
            .Append(",\"updatedAt\":").Append(Time(s.UpdatedAt))
            .Append(",\"comment\":").Append(Quote(s.Comment))
            .Append(",\"createdBy\":").Append(Quote(s.CreatedBy))
            .Append(",\"endsAt\":").Append(Time(s.EndsAt))
            .Append(",\"matchers\":[");
        for (var i = 0; i < s.Matchers.Count; i++)
        {
            var m = s.Matchers[i];
            json.Append(i == 0 ? "{" : ",{")
                .Append("\"isEqual\":").Append(m.IsEqual ? "true" : "false")
                .Append(",\"isRegex\":").Append(m.IsRegex ? "true" : "false")
                .Append(",\"name\":").Append(Quote(m.Name))
                .Append(",\"value\":").Append(Quote(m.Pattern))
                .Append('}');
        }

        json.Append("],\"startsAt\":").Append(Time(s.StartsAt)).Append('}');
    }

    private static string Quote(string value) => GoJson.Quote(value, escapeHtml: true);

    private static string Time(DateTimeOffset time) => "\"" + AlertmanagerResponses.FormatDateTime(time) + "\"";
}
