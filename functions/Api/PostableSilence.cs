using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Alerting.Silences;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>Why a posted body is refused before the handler runs: go-swagger's status, code and message.</summary>
internal sealed record SwaggerError(int Status, int Code, string Message);

/// <summary>
/// Reads Alertmanager 0.25's <c>postableSilence</c> as its go-swagger server does: Go's JSON decoding
/// first (syntax and type errors answer 400 <c>parsing silence body from "" failed, because …</c>), then
/// the model's validation in its order (comment, createdBy, endsAt, matchers with at least one item,
/// each matcher's isRegex, name, value, startsAt), of which only the first error is served (422).
/// Field names match case-insensitively and unknown fields are ignored, as Go's decoder does.
/// </summary>
internal static partial class PostableSilence
{
    private const string IdStructType = "struct { ID string \"json:\\\"id,omitempty\\\"\" }";

    public static (Silence? Silence, SwaggerError? Error) Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, Required("silence"));
        }

        JsonElement root;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = false });
            using var document = JsonDocument.ParseValue(ref reader);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, ParseError(SyntaxError(body)));
        }

        if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            return (null, ParseError($"json: cannot unmarshal {Kind(root)} into Go value of type {IdStructType}"));
        }

        var fields = new Fields();
        if (root.ValueKind == JsonValueKind.Object && Decode(root, fields) is { } decodeError)
        {
            return (null, ParseError(decodeError));
        }

        if (Validate(fields) is { } invalid)
        {
            return (null, invalid);
        }

        return (new Silence
        {
            Id = fields.Id ?? "",
            Comment = fields.Comment!,
            CreatedBy = fields.CreatedBy!,
            StartsAt = fields.StartsAt!.Value,
            EndsAt = fields.EndsAt!.Value,
            Matchers = [.. fields.Matchers!.Where(m => m is not null).Select(m => SilenceMatcher.FromApi(m!.Name!, m.Value!, m.IsRegex!.Value, m.IsEqual ?? true))],
        }, null);
    }

    private static string? Decode(JsonElement root, Fields fields)
    {
        // Go keeps the first type error and decodes on; an UnmarshalJSON error (a time) ends decoding at once.
        string? typeError = null;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name.ToUpperInvariant())
            {
                case "ID":
                    var idError = String(value, ".id", out var id);
                    typeError ??= idError;
                    fields.Id = id ?? fields.Id;
                    break;
                case "COMMENT":
                    var commentError = String(value, "Silence.comment", out var comment);
                    typeError ??= commentError;
                    fields.Comment = value.ValueKind == JsonValueKind.Null ? null : comment ?? fields.Comment;
                    break;
                case "CREATEDBY":
                    var createdByError = String(value, "Silence.createdBy", out var createdBy);
                    typeError ??= createdByError;
                    fields.CreatedBy = value.ValueKind == JsonValueKind.Null ? null : createdBy ?? fields.CreatedBy;
                    break;
                case "STARTSAT":
                    if (Time(value, out var startsAt) is { } startError)
                    {
                        return startError;
                    }

                    fields.StartsAt = startsAt;
                    break;
                case "ENDSAT":
                    if (Time(value, out var endsAt) is { } endError)
                    {
                        return endError;
                    }

                    fields.EndsAt = endsAt;
                    break;
                case "MATCHERS":
                    typeError ??= Matchers(value, fields);
                    break;
            }
        }

        return typeError;
    }

    private static string? Matchers(JsonElement value, Fields fields)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            fields.Matchers = null;
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return TypeError(value, "Silence.matchers", "models.Matchers");
        }

        string? typeError = null;
        fields.Matchers = [];
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Null)
            {
                fields.Matchers.Add(null);
                continue;
            }

            if (item.ValueKind != JsonValueKind.Object)
            {
                typeError ??= TypeError(item, "Silence.matchers", "models.Matcher");
                continue;
            }

            var matcher = new MatcherFields();
            foreach (var property in item.EnumerateObject())
            {
                switch (property.Name.ToUpperInvariant())
                {
                    case "ISEQUAL":
                        var isEqualError = Bool(property.Value, "Matcher.matchers.isEqual", out var isEqual);
                        typeError ??= isEqualError;
                        matcher.IsEqual = isEqual ?? matcher.IsEqual;
                        break;
                    case "ISREGEX":
                        var isRegexError = Bool(property.Value, "Matcher.matchers.isRegex", out var isRegex);
                        typeError ??= isRegexError;
                        matcher.IsRegex = isRegex ?? matcher.IsRegex;
                        break;
                    case "NAME":
                        var nameError = String(property.Value, "Matcher.matchers.name", out var name);
                        typeError ??= nameError;
                        matcher.Name = name ?? matcher.Name;
                        break;
                    case "VALUE":
                        var vError = String(property.Value, "Matcher.matchers.value", out var v);
                        typeError ??= vError;
                        matcher.Value = v ?? matcher.Value;
                        break;
                }
            }

            fields.Matchers.Add(matcher);
        }

        return typeError;
    }

    private static SwaggerError? Validate(Fields f)
    {
        if (f.Comment is null)
        {
            return Required("comment");
        }

        if (f.CreatedBy is null)
        {
            return Required("createdBy");
        }

        if (f.EndsAt is null)
        {
            return Required("endsAt");
        }

        if (f.Matchers is null)
        {
            return Required("matchers");
        }

        if (f.Matchers.Count == 0)
        {
            return new SwaggerError(StatusCodes.Status422UnprocessableEntity, AlertmanagerResponses.CodeTooFewItems, "matchers in body should have at least 1 items");
        }

        for (var i = 0; i < f.Matchers.Count; i++)
        {
            var m = f.Matchers[i];
            var prefix = FormattableString.Invariant($"matchers.{i}.");
            if (m is null)
            {
                continue;
            }

            if (m.IsRegex is null)
            {
                return Required(prefix + "isRegex");
            }

            if (m.Name is null)
            {
                return Required(prefix + "name");
            }

            if (m.Value is null)
            {
                return Required(prefix + "value");
            }
        }

        return f.StartsAt is null ? Required("startsAt") : null;
    }

    private static SwaggerError Required(string path) =>
        new(StatusCodes.Status422UnprocessableEntity, AlertmanagerResponses.CodeRequired, path + " in body is required");

    private static SwaggerError ParseError(string reason) =>
        new(StatusCodes.Status400BadRequest, StatusCodes.Status400BadRequest, "parsing silence body from \"\" failed, because " + reason);

    private static string? String(JsonElement value, string field, out string? result)
    {
        result = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return value.ValueKind is JsonValueKind.String or JsonValueKind.Null ? null : TypeError(value, field, "string");
    }

    private static string? Bool(JsonElement value, string field, out bool? result)
    {
        result = value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null };
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null ? null : TypeError(value, field, "bool");
    }

    private static string TypeError(JsonElement value, string field, string type) =>
        $"json: cannot unmarshal {Kind(value)} into Go struct field {field} of type {type}";

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        _ => "bool",
    };

    /// <summary>strfmt.DateTime: RFC 3339 (any number of fractional digits, <c>Z</c> or an offset), or without a zone (UTC).</summary>
    private static string? Time(JsonElement value, out DateTimeOffset? result)
    {
        result = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return $"json: cannot unmarshal {Kind(value)} into Go value of type string";
        }

        var text = value.GetString()!;
        var match = DateTimePattern().Match(text);
        if (!match.Success)
        {
            // Go's time.Parse names the first element that fails against strfmt's last layout;
            // this covers values that do not start with a year.
            return $"parsing time {GoJson.Quote(text, escapeHtml: false)} as \"2006-01-02 15:04:05\": cannot parse {GoJson.Quote(text, escapeHtml: false)} as \"2006\"";
        }

        var fraction = match.Groups["fraction"].Value;
        var ticks = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(7, '0')[..7], CultureInfo.InvariantCulture);
        var zone = match.Groups["zone"].Value;
        var offset = zone is "" or "Z" or "z"
            ? TimeSpan.Zero
            : (zone[0] == '-' ? -1 : 1) * new TimeSpan(int.Parse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture), int.Parse(zone.AsSpan(zone.Length - 2, 2), CultureInfo.InvariantCulture), 0);
        try
        {
            result = new DateTimeOffset(
                Int(match, "year"), Int(match, "month"), Int(match, "day"), Int(match, "hour"), Int(match, "minute"), Int(match, "second"), offset)
                .AddTicks(ticks);
            return null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return $"parsing time {GoJson.Quote(text, escapeHtml: false)}: value out of range";
        }
    }

    private static int Int(Match match, string group) => int.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);

    /// <summary>Go's texts for the syntax errors a client is likely to send (a truncated body above all).</summary>
    private static string SyntaxError(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
            }

            return "unexpected EOF";
        }
        catch (JsonException)
        {
            var at = (int)Math.Min(reader.BytesConsumed, body.Length - 1);
            while (at < body.Length - 1 && body[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',' or (byte)':')
            {
                at++;
            }

            var c = (char)body[at];
            return $"invalid character {GoJson.Quote(c.ToString(), escapeHtml: false).Replace('"', '\'')} looking for beginning of value";
        }
    }

    [GeneratedRegex(@"^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})[Tt ](?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})(?:\.(?<fraction>\d+))?(?<zone>[Zz]|[+-]\d{2}:?\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();

    private sealed class Fields
    {
        public string? Id { get; set; }

        public string? Comment { get; set; }

        public string? CreatedBy { get; set; }

        public DateTimeOffset? StartsAt { get; set; }

        public DateTimeOffset? EndsAt { get; set; }

        public List<MatcherFields?>? Matchers { get; set; }
    }

    private sealed class MatcherFields
    {
        public bool? IsEqual { get; set; }

        public bool? IsRegex { get; set; }

        public string? Name { get; set; }

        public string? Value { get; set; }
    }
}
