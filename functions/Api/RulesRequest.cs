using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// The parameters of <c>/api/v1/rules</c> as upstream reads them, checked in its order and with its
/// error texts: <c>match[]</c>, then <c>type</c>, <c>exclude_alerts</c>, <c>group_limit</c> and
/// <c>group_next_token</c>. The name, group and file filters are sets (any of the values).
/// </summary>
internal sealed record RulesRequest
{
    public bool IncludeAlerting { get; private init; } = true;

    public bool IncludeRecording { get; private init; } = true;

    public IReadOnlySet<string> RuleNames { get; private init; } = new HashSet<string>();

    public IReadOnlySet<string> RuleGroups { get; private init; } = new HashSet<string>();

    public IReadOnlySet<string> Files { get; private init; } = new HashSet<string>();

    /// <summary>Label matcher sets on the rules' labels: a rule is kept when every matcher of any set matches.</summary>
    public IReadOnlyList<IReadOnlyList<LabelMatcher>> Matchers { get; private init; } = [];

    /// <summary><c>exclude_alerts</c>: the alerting rules' <c>alerts</c> become <c>null</c>.</summary>
    public bool ExcludeAlerts { get; private init; }

    /// <summary>Groups per page; 0 when not paginating.</summary>
    public int GroupLimit { get; private init; }

    /// <summary>The first group of the page (<see cref="RulesPage.Token"/> of it); empty for the first page.</summary>
    public string NextToken { get; private init; } = string.Empty;

    /// <exception cref="ApiException">A parameter upstream refuses, with its <c>bad_data</c> text.</exception>
    public static RulesRequest Parse(ApiParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var matchers = ApiParameters.ParseMatchers(parameters.All("match[]"));
        var type = parameters["type"].ToLowerInvariant();
        if (type is not ("" or "alert" or "record"))
        {
            throw ApiErrors.InvalidParameter("type", $"not supported value {Printer.GoQuote(type)}");
        }

        var excludeAlerts = ParseExcludeAlerts(parameters["exclude_alerts"]);
        var (limit, token) = ParsePagination(parameters["group_limit"], parameters["group_next_token"]);
        return new RulesRequest
        {
            IncludeAlerting = type is "" or "alert",
            IncludeRecording = type is "" or "record",
            RuleNames = parameters.All("rule_name[]").ToHashSet(StringComparer.Ordinal),
            RuleGroups = parameters.All("rule_group[]").ToHashSet(StringComparer.Ordinal),
            Files = parameters.All("file[]").ToHashSet(StringComparer.Ordinal),
            Matchers = matchers,
            ExcludeAlerts = excludeAlerts,
            GroupLimit = limit,
            NextToken = token,
        };
    }

    /// <summary>Go's <c>strconv.ParseBool</c> of the lower-cased value; empty is false.</summary>
    private static bool ParseExcludeAlerts(string text)
    {
        var value = text.ToLowerInvariant();
        return value switch
        {
            "" or "0" or "f" or "false" => false,
            "1" or "t" or "true" => true,
            _ => throw ApiErrors.InvalidParameter("exclude_alerts", $"error converting exclude_alerts: strconv.ParseBool: parsing {Printer.GoQuote(value)}: invalid syntax"),
        };
    }

    private static (int Limit, string Token) ParsePagination(string limitText, string token)
    {
        if (token.Length > 0 && limitText.Length == 0)
        {
            throw ApiErrors.InvalidParameter("group_next_token", "group_limit needs to be present in order to paginate over the groups");
        }

        if (limitText.Length == 0)
        {
            return (0, string.Empty);
        }

        if (ParseInt32(limitText) is { } error)
        {
            throw ApiErrors.InvalidParameter("group_limit", $"group_limit needs to be a valid number: strconv.ParseInt: parsing {Printer.GoQuote(limitText)}: {error}");
        }

        var limit = int.Parse(limitText, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture);
        return limit <= 0
            ? throw ApiErrors.InvalidParameter("group_limit", "group_limit needs to be greater than 0")
            : (limit, token);
    }

    /// <summary>
    /// Go's <c>strconv.ParseInt(s, 10, 32)</c>: null when it parses, else its error, "invalid syntax" or
    /// "value out of range" (the first overflow wins over a later bad character, as Go scans).
    /// </summary>
    private static string? ParseInt32(string text)
    {
        var negative = text[0] == '-';
        var digits = text[0] is '+' or '-' ? text.AsSpan(1) : text.AsSpan();
        if (digits.IsEmpty)
        {
            return "invalid syntax";
        }

        ulong value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return "invalid syntax";
            }

            value = (value * 10) + (ulong)(c - '0');
            if (value > uint.MaxValue)
            {
                return "value out of range";
            }
        }

        return value > (negative ? 1UL << 31 : (1UL << 31) - 1) ? "value out of range" : null;
    }
}
