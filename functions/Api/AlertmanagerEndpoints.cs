using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Alerting.Dispatch;
using Serverless.Monitoring.Core.Alerting.Matchers;
using Serverless.Monitoring.Core.Alerting.Router;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// Alertmanager 0.25's API v2 for alerts, groups, status and receivers, over the host's
/// <see cref="AlertRouter"/>: JSON as go-swagger writes upstream's models (properties in their
/// generated order, times as RFC 3339 with milliseconds, errors as a JSON string). While the router
/// is off every path answers 404 as an unknown path does.
/// </summary>
internal static class AlertmanagerEndpoints
{
    private const string Json = "application/json";

    public static IEndpointRouteBuilder MapAlertmanagerEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v2/alerts", PostAlertsAsync);
        endpoints.MapGet("/api/v2/alerts", GetAlerts);
        endpoints.MapGet("/api/v2/alerts/groups", GetGroups);
        endpoints.MapGet("/api/v2/status", GetStatus);
        endpoints.MapGet("/api/v2/receivers", GetReceivers);
        return endpoints;
    }

    private static async Task<IResult> PostAlertsAsync(HttpContext context, AlertRouterHost host)
    {
        if (host.Router is not { } router)
        {
            return NotFound();
        }

        List<PostableAlert> posted;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            posted = ParsePostable(document.RootElement);
        }
        catch (JsonException ex)
        {
            return SwaggerError(400, $"parsing alerts body from \"\" failed, because {ex.Message}");
        }
        catch (FormatException ex)
        {
            return SwaggerError(602, ex.Message);
        }

        var result = router.PostAlerts(posted);
        return result.ErrorText is { } error ? ErrorString(400, error) : Results.Ok();
    }

    private static IResult GetAlerts(HttpRequest request, AlertRouterHost host)
    {
        if (host.Router is not { } router)
        {
            return NotFound();
        }

        if (!Filters.TryParse(request, out var filters, out var invalid))
        {
            return ErrorString(400, invalid);
        }

        var now = DateTimeOffset.UtcNow;
        return Write(json =>
        {
            json.WriteStartArray();
            foreach (var alert in router.Alerts.List())
            {
                var receivers = router.ReceiversOf(alert.Labels);
                if (!filters.Keep(alert, receivers, now, router, out var status))
                {
                    continue;
                }

                WriteAlert(json, alert, receivers, status);
            }

            json.WriteEndArray();
        });
    }

    private static IResult GetGroups(HttpRequest request, AlertRouterHost host)
    {
        if (host.Router is not { } router)
        {
            return NotFound();
        }

        if (!Filters.TryParse(request, out var filters, out var invalid))
        {
            return ErrorString(400, invalid);
        }

        var now = DateTimeOffset.UtcNow;
        return Write(json =>
        {
            json.WriteStartArray();
            foreach (var group in router.Dispatcher.Groups().Order(Comparer<GroupSnapshot>.Create((a, b) => LabelSet.Compare(a.Labels, b.Labels))).ThenBy(g => g.Route.Receiver, StringComparer.Ordinal))
            {
                string[] receivers = [group.Route.Receiver];
                var alerts = new List<(Alert Alert, AlertStatus Status)>();
                foreach (var alert in group.Alerts)
                {
                    var stored = router.Alerts.Get(alert.Fingerprint) ?? alert;
                    if (filters.Keep(stored, receivers, now, router, out var status))
                    {
                        alerts.Add((stored, status));
                    }
                }

                if (alerts.Count == 0)
                {
                    continue;
                }

                json.WriteStartObject();
                json.WritePropertyName("alerts");
                json.WriteStartArray();
                foreach (var (alert, status) in alerts)
                {
                    WriteAlert(json, alert, receivers, status);
                }

                json.WriteEndArray();
                WriteLabelSet(json, "labels", group.Labels);
                json.WritePropertyName("receiver");
                WriteReceiver(json, group.Route.Receiver);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    private static IResult GetStatus(AlertRouterHost host, BuildInfo build)
    {
        if (host.Router is not { } router)
        {
            return NotFound();
        }

        string original;
        try
        {
            original = ConfigRedaction.Redact(File.ReadAllText(router.Configuration.FileName));
        }
        catch (IOException)
        {
            original = "";
        }

        return Write(json =>
        {
            json.WriteStartObject();
            json.WritePropertyName("cluster");
            json.WriteStartObject();
            json.WritePropertyName("peers");
            json.WriteStartArray();
            json.WriteEndArray();
            GoJson.WriteString(json, "status", "disabled");
            json.WriteEndObject();
            json.WritePropertyName("config");
            json.WriteStartObject();
            GoJson.WriteString(json, "original", original);
            json.WriteEndObject();
            GoJson.WriteString(json, "uptime", Time(host.StartedAt));
            json.WritePropertyName("versionInfo");
            json.WriteStartObject();
            GoJson.WriteString(json, "branch", build.Branch);
            GoJson.WriteString(json, "buildDate", build.BuildDate);
            GoJson.WriteString(json, "buildUser", build.BuildUser);
            GoJson.WriteString(json, "goVersion", build.RuntimeVersion);
            GoJson.WriteString(json, "revision", build.Revision);
            GoJson.WriteString(json, "version", build.Version);
            json.WriteEndObject();
            json.WriteEndObject();
        });
    }

    private static IResult GetReceivers(AlertRouterHost host)
    {
        if (host.Router is not { } router)
        {
            return NotFound();
        }

        return Write(json =>
        {
            json.WriteStartArray();
            foreach (var name in router.Receivers.Names)
            {
                WriteReceiver(json, name);
            }

            json.WriteEndArray();
        });
    }

    /// <summary>A <c>gettableAlert</c>: its own properties (go-swagger's order), then the embedded <c>alert</c>'s.</summary>
    private static void WriteAlert(Utf8JsonWriter json, Alert alert, IReadOnlyList<string> receivers, AlertStatus status)
    {
        json.WriteStartObject();
        WriteLabelSet(json, "annotations", alert.Annotations);
        GoJson.WriteString(json, "endsAt", Time(alert.EndsAt));
        GoJson.WriteString(json, "fingerprint", alert.Fingerprint.ToString("x16", CultureInfo.InvariantCulture));
        json.WritePropertyName("receivers");
        json.WriteStartArray();
        foreach (var receiver in receivers)
        {
            WriteReceiver(json, receiver);
        }

        json.WriteEndArray();
        GoJson.WriteString(json, "startsAt", Time(alert.StartsAt));
        json.WritePropertyName("status");
        json.WriteStartObject();
        WriteStrings(json, "inhibitedBy", status.InhibitedBy);
        WriteStrings(json, "silencedBy", status.SilencedBy);
        GoJson.WriteString(json, "state", status.State switch
        {
            AlertState.Active => "active",
            AlertState.Suppressed => "suppressed",
            _ => "unprocessed",
        });
        json.WriteEndObject();
        GoJson.WriteString(json, "updatedAt", Time(alert.UpdatedAt));
        if (alert.GeneratorUrl.Length > 0)
        {
            // strfmt.URI with omitempty.
            GoJson.WriteString(json, "generatorURL", alert.GeneratorUrl);
        }

        WriteLabelSet(json, "labels", alert.Labels);
        json.WriteEndObject();
    }

    private static void WriteReceiver(Utf8JsonWriter json, string name)
    {
        json.WriteStartObject();
        GoJson.WriteString(json, "name", name);
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WritePropertyName(name);
        json.WriteStartArray();
        foreach (var value in values)
        {
            GoJson.WriteStringValue(json, value);
        }

        json.WriteEndArray();
    }

    /// <summary>A <c>models.LabelSet</c> (a Go map: keys sorted, HTML-escaped as encoding/json does).</summary>
    private static void WriteLabelSet(Utf8JsonWriter json, string name, LabelSet labels)
    {
        json.WritePropertyName(name);
        json.WriteStartObject();
        foreach (var label in labels)
        {
            GoJson.WriteString(json, label.Name, label.Value);
        }

        json.WriteEndObject();
    }

    /// <summary>strfmt.DateTime's JSON form: RFC 3339 with milliseconds, in UTC here.</summary>
    private static string Time(DateTimeOffset? at) =>
        (at ?? DateTimeOffset.MinValue).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static List<PostableAlert> ParsePostable(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"json: cannot unmarshal {root.ValueKind.ToString().ToLowerInvariant()} into Go value of type models.PostableAlerts");
        }

        var alerts = new List<PostableAlert>();
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException($"json: cannot unmarshal {item.ValueKind.ToString().ToLowerInvariant()} into Go value of type models.PostableAlert");
            }

            if (!item.TryGetProperty("labels", out var labels) || labels.ValueKind == JsonValueKind.Null)
            {
                throw new FormatException($"{index}.labels in body is required");
            }

            alerts.Add(new PostableAlert
            {
                Labels = Pairs(labels, "labels"),
                Annotations = item.TryGetProperty("annotations", out var a) && a.ValueKind != JsonValueKind.Null ? Pairs(a, "annotations") : [],
                StartsAt = TimeOf(item, "startsAt"),
                EndsAt = TimeOf(item, "endsAt"),
                GeneratorUrl = item.TryGetProperty("generatorURL", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString()! : "",
            });
            index++;
        }

        return alerts;
    }

    private static List<KeyValuePair<string, string>> Pairs(JsonElement element, string field)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"json: cannot unmarshal {element.ValueKind.ToString().ToLowerInvariant()} into Go struct field .{field} of type models.LabelSet");
        }

        return [.. element.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.String
            ? new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)
            : throw new JsonException($"json: cannot unmarshal {p.Value.ValueKind.ToString().ToLowerInvariant()} into Go struct field .{field} of type string"))];
    }

    /// <summary>A time field; absent, empty or Go's zero time is none.</summary>
    private static DateTimeOffset? TimeOf(JsonElement item, string field)
    {
        if (!item.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new JsonException($"json: cannot unmarshal {value.ValueKind.ToString().ToLowerInvariant()} into Go struct field .{field} of type strfmt.DateTime");
        if (text.Length == 0)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new FormatException($"{field} in body must be of type date-time: \"{text}\"");
        }

        return at.Year <= 1 ? null : at;
    }

    private static IResult Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        buffer.WriteByte((byte)'\n');
        return Results.Bytes(buffer.ToArray(), Json);
    }

    /// <summary>go-swagger's error payload of a handler: the message as a JSON string.</summary>
    private static IResult ErrorString(int status, string message)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            GoJson.WriteStringValue(json, message);
        }

        buffer.WriteByte((byte)'\n');
        return Results.Text(Encoding.UTF8.GetString(buffer.ToArray()), Json, Encoding.UTF8, status);
    }

    /// <summary>go-swagger's own errors (a body it cannot read or validate): <c>{"code":N,"message":"…"}</c>, answered with 400 or 422 as it does.</summary>
    private static IResult SwaggerError(int code, string message)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("code", code);
            GoJson.WriteString(json, "message", message);
            json.WriteEndObject();
        }

        return Results.Text(Encoding.UTF8.GetString(buffer.ToArray()), Json, Encoding.UTF8, code == 400 ? 400 : 422);
    }

    private static IResult NotFound() => Results.Text("404 page not found\n", "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status404NotFound);

    /// <summary>The query of <c>GET /api/v2/alerts</c> and <c>/alerts/groups</c>.</summary>
    private sealed record Filters(IReadOnlyList<LabelMatcher> Matchers, Regex? Receiver, bool Active, bool Silenced, bool Inhibited, bool Unprocessed)
    {
        public static bool TryParse(HttpRequest request, [NotNullWhen(true)] out Filters? filters, out string error)
        {
            try
            {
                var matchers = request.Query["filter"].SelectMany(f => AlertmanagerMatchers.Parse(f ?? "")).ToList();
                Regex? receiver = null;
                if (request.Query["receiver"].FirstOrDefault() is { Length: > 0 } r)
                {
                    // A caller's pattern: bounded, so a pathological one cannot hold a request thread.
                    receiver = new Regex("^(?:" + r + ")$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                }

                filters = new Filters(matchers, receiver, Bool(request, "active"), Bool(request, "silenced"), Bool(request, "inhibited"), Bool(request, "unprocessed"));
                error = "";
                return true;
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                filters = null;
                error = ex.Message;
                return false;
            }
        }

        public bool Keep(Alert alert, IReadOnlyList<string> receivers, DateTimeOffset now, AlertRouter router, out AlertStatus status)
        {
            status = AlertStatus.Unprocessed;
            if (Receiver is not null && !receivers.Any(Receiver.IsMatch))
            {
                return false;
            }

            if (!AlertmanagerMatchers.MatchAll(Matchers, alert.Labels) || alert.ResolvedAt(now))
            {
                return false;
            }

            status = router.StatusOf(alert);
            return status.State switch
            {
                AlertState.Active => Active,
                AlertState.Unprocessed => Unprocessed,
                _ => (Silenced || status.SilencedBy.Count == 0) && (Inhibited || status.InhibitedBy.Count == 0),
            };
        }

        private static bool Bool(HttpRequest request, string name)
        {
            var value = request.Query[name].FirstOrDefault();
            return value is null || value.Length == 0 || (bool.TryParse(value, out var b) ? b : throw new FormatException($"{name} in query must be of type boolean: \"{value}\""));
        }
    }
}
