using System.Globalization;
using System.Text;
using Serverless.Monitoring.Core.Alerting.Escalation;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// Our escalations as JSON: <c>id, groupKey, receiver, policy, status, startedAt, run, level, nextDue,
/// acknowledgement {by, comment, at, expiresAt} (absent when none), steps [{level, run, at, receivers,
/// skipped}]</c>; times as the silences API prints them, a time that does not apply as null.
/// </summary>
internal static class EscalationsJson
{
    public static string List(IEnumerable<EscalationState> escalations)
    {
        var json = new StringBuilder("[");
        var first = true;
        foreach (var escalation in escalations)
        {
            if (!first)
            {
                json.Append(',');
            }

            first = false;
            Append(json, escalation);
        }

        return json.Append(']').ToString();
    }

    public static string One(EscalationState escalation)
    {
        var json = new StringBuilder(256);
        Append(json, escalation);
        return json.ToString();
    }

    public static string StatusName(EscalationStatus status) => status switch
    {
        EscalationStatus.Active => "active",
        EscalationStatus.Acknowledged => "acknowledged",
        EscalationStatus.Exhausted => "exhausted",
        _ => "resolved",
    };

    private static void Append(StringBuilder json, EscalationState e)
    {
        json.Append("{\"id\":").Append(Quote(e.Id))
            .Append(",\"groupKey\":").Append(Quote(e.GroupKey))
            .Append(",\"receiver\":").Append(Quote(e.Receiver))
            .Append(",\"policy\":").Append(Quote(e.Policy))
            .Append(",\"status\":\"").Append(StatusName(e.Status)).Append('"')
            .Append(",\"startedAt\":").Append(Time(e.StartedAt))
            .Append(",\"run\":").Append(e.Run.ToString(CultureInfo.InvariantCulture))
            .Append(",\"level\":").Append(e.CurrentLevel.ToString(CultureInfo.InvariantCulture))
            .Append(",\"nextDue\":").Append(Time(e.NextDue));
        if (e.Acknowledgement is { } ack)
        {
            json.Append(",\"acknowledgement\":{\"by\":").Append(Quote(ack.By))
                .Append(",\"comment\":").Append(Quote(ack.Comment))
                .Append(",\"at\":").Append(Time(ack.At))
                .Append(",\"expiresAt\":").Append(Time(ack.ExpiresAt))
                .Append('}');
        }

        json.Append(",\"steps\":[");
        for (var i = 0; i < e.Steps.Count; i++)
        {
            var step = e.Steps[i];
            json.Append(i == 0 ? "{" : ",{")
                .Append("\"level\":").Append(step.Level.ToString(CultureInfo.InvariantCulture))
                .Append(",\"run\":").Append(step.Run.ToString(CultureInfo.InvariantCulture))
                .Append(",\"at\":").Append(Time(step.At))
                .Append(",\"receivers\":[").AppendJoin(',', step.Receivers.Select(Quote)).Append(']')
                .Append(",\"skipped\":").Append(step.Skipped ? "true" : "false")
                .Append('}');
        }

        json.Append("]}");
    }

    private static string Quote(string value) => GoJson.Quote(value, escapeHtml: true);

    private static string Time(DateTimeOffset? time) =>
        time is { } t ? "\"" + AlertmanagerResponses.FormatDateTime(t) + "\"" : "null";
}
