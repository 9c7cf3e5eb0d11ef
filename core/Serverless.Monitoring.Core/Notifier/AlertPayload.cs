using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Serverless.Monitoring.Core.Notifier;

/// <summary>
/// The body of <c>POST /api/v2/alerts</c>: a JSON array of alerts with <c>labels</c> and
/// <c>annotations</c> objects, <c>startsAt</c>/<c>endsAt</c> in RFC 3339 with milliseconds (as
/// Prometheus's OpenAPI client writes them) and <c>generatorURL</c>.
/// </summary>
public static class AlertPayload
{
    public static byte[] Encode(IReadOnlyList<NotifierAlert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var buffer = new ArrayBufferWriter<byte>(256 * Math.Max(1, alerts.Count));
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var alert in alerts)
            {
                json.WriteStartObject();
                WriteLabels(json, "annotations", alert.Annotations);
                json.WriteString("endsAt", Time(alert.EndsAt));
                json.WriteString("startsAt", Time(alert.StartsAt));
                json.WriteString("generatorURL", alert.GeneratorUrl);
                WriteLabels(json, "labels", alert.Labels);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Go's strfmt.DateTime layout: <c>2006-01-02T15:04:05.000Z07:00</c>, in UTC.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteLabels(Utf8JsonWriter json, string name, Model.LabelSet labels)
    {
        json.WriteStartObject(name);
        foreach (var label in labels)
        {
            json.WriteString(label.Name, label.Value);
        }

        json.WriteEndObject();
    }
}
