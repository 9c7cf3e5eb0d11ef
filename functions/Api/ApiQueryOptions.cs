using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// Configuration section <c>Query</c>: upstream's <c>--query.lookback-delta</c> (5m),
/// <c>--query.timeout</c> (2m) and <c>--query.max-samples</c> (50,000,000), as the engine options
/// every API query starts from (a request's <c>lookback_delta</c> and <c>timeout</c> refine them).
/// </summary>
internal static class ApiQueryOptions
{
    public const string SectionName = "Query";

    /// <summary>The section's keys: the command line accepts <c>--Query:Key=value</c> for these only.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["LookbackDelta", "Timeout", "MaxSamples"];

    public static PromQLEngineOptions FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var defaults = new PromQLEngineOptions();
        var options = defaults with
        {
            LookbackDelta = Duration(section["LookbackDelta"], defaults.LookbackDelta, "LookbackDelta"),
            Timeout = Duration(section["Timeout"], defaults.Timeout, "Timeout"),
            MaxSamples = int.TryParse(section["MaxSamples"], out var max) ? max : defaults.MaxSamples,
        };
        options.Validate();
        return options;
    }

    /// <summary>The options for one request: its <c>lookback_delta</c> (when positive) and a <c>timeout</c> no longer than the server's.</summary>
    public static PromQLEngineOptions ForRequest(PromQLEngineOptions server, TimeSpan? lookbackDelta, TimeSpan? timeout)
    {
        var options = server;
        if (lookbackDelta is { } lookback && lookback > TimeSpan.Zero)
        {
            options = options with { LookbackDelta = lookback };
        }

        if (timeout is { } requested)
        {
            // Upstream sets a context deadline: zero or negative times out at once.
            var bounded = requested <= TimeSpan.Zero ? TimeSpan.FromTicks(1) : requested;
            if (options.Timeout == Timeout.InfiniteTimeSpan || bounded < options.Timeout)
            {
                options = options with { Timeout = bounded };
            }
        }

        return options;
    }

    private static TimeSpan Duration(string? text, TimeSpan fallback, string name)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return PrometheusDuration.TryParse(text, out var value, out var error)
            ? value
            : throw new InvalidOperationException($"{SectionName}:{name}: {error}");
    }
}
