using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Functions.Invocations;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;

namespace Serverless.Monitoring.Tests.Invocations;

/// <summary>
/// The function app as the build lays it out (host.json and one folder per function beside the
/// executable, here copied into the test's output like any referenced project's content), checked
/// against the facts in PLATFORM.md, the handler's endpoints and binding names, and the sample settings.
/// </summary>
public sealed partial class FunctionAppLayoutTests
{
    private static readonly string[] Functions = ["Api", "Compact", "Ingest", "IngestQueue", "Retention", "RemoteWrite", "Scrape"];
    private static readonly string[] NonHttpFunctions = ["Compact", "Ingest", "IngestQueue", "Retention", "Scrape"];

    private static string AppRoot => AppContext.BaseDirectory;

    private static JsonElement ReadJson(params string[] path) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine([AppRoot, .. path]))).RootElement.Clone();

    private static JsonElement Binding(string function, string direction) =>
        Assert.Single(ReadJson(function, "function.json").GetProperty("bindings").EnumerateArray(), b => b.GetProperty("direction").GetString() == direction);

    private static Dictionary<string, string> SampleSettings()
    {
        var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(ToolLocator.RepositoryRoot, "local.settings.sample.json"))).RootElement;
        return sample.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    [Fact]
    public void Host_json_starts_the_built_app_as_a_custom_handler_with_request_forwarding_and_no_route_prefix()
    {
        var host = ReadJson("host.json");
        Assert.Equal("2.0", host.GetProperty("version").GetString());
        var handler = host.GetProperty("customHandler");
        var executable = handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString();
        Assert.Equal(typeof(Program).Assembly.GetName().Name, executable);
        Assert.True(File.Exists(Path.Combine(AppRoot, executable + ".dll")), "the executable's assembly is not beside host.json");
        Assert.Equal(JsonValueKind.Array, handler.GetProperty("description").GetProperty("arguments").ValueKind);
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.False(handler.TryGetProperty("http", out _), "customHandler.http.routes cannot be combined with function.json files");
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", host.GetProperty("extensionBundle").GetProperty("id").GetString());
        Assert.Equal("[4.*, 5.0.0)", host.GetProperty("extensionBundle").GetProperty("version").GetString());
        Assert.Equal("", host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());

        // Our queue messages are base64 text already: the trigger must hand the text over as it is.
        Assert.Equal("none", host.GetProperty("extensions").GetProperty("queues").GetProperty("messageEncoding").GetString());
    }

    [Fact]
    public void There_is_one_folder_with_a_function_json_per_function()
    {
        var folders = Directory.GetDirectories(AppRoot)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal);
        Assert.Equal(Functions.Order(StringComparer.Ordinal), folders);
    }

    [Theory]
    [InlineData("Scrape", "timerTrigger", "timer")]
    [InlineData("Compact", "timerTrigger", "timer")]
    [InlineData("Retention", "timerTrigger", "timer")]
    [InlineData("Ingest", "eventHubTrigger", IngestInvocation.BindingName)]
    [InlineData("IngestQueue", "queueTrigger", IngestQueueInvocation.BindingName)]
    public void Each_non_HTTP_function_has_one_trigger_whose_binding_name_the_handler_reads(string function, string trigger, string name)
    {
        var bindings = ReadJson(function, "function.json").GetProperty("bindings").EnumerateArray().ToList();
        var binding = Assert.Single(bindings);
        Assert.Equal(trigger, binding.GetProperty("type").GetString());
        Assert.Equal(name, binding.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("Api", "{*path}", new[] { "get", "head", "post", "put" })]
    [InlineData("RemoteWrite", "api/v1/write", new[] { "post" })]
    public void HTTP_functions_have_exactly_an_httpTrigger_and_an_http_output_so_the_host_forwards_the_request(string function, string route, string[] methods)
    {
        var bindings = ReadJson(function, "function.json").GetProperty("bindings").EnumerateArray().ToList();
        Assert.Equal(2, bindings.Count);
        var trigger = Binding(function, "in");
        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("function", trigger.GetProperty("authLevel").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal(methods, trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal("http", Binding(function, "out").GetProperty("type").GetString());
    }

    [Fact]
    public void The_Scrape_schedule_ticks_every_Functions_ScrapePeriod()
    {
        var schedule = Binding("Scrape", "in").GetProperty("schedule").GetString()!;
        var match = EverySeconds().Match(schedule);
        Assert.True(match.Success, $"'{schedule}' is not */N * * * * *");
        Assert.Equal(new FunctionsOptions().ScrapePeriodValue, TimeSpan.FromSeconds(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Ingest_takes_batches_of_binary_events_and_IngestQueue_reads_the_queue_the_scraper_writes()
    {
        var ingest = Binding("Ingest", "in");
        Assert.Equal("many", ingest.GetProperty("cardinality").GetString());
        Assert.Equal("binary", ingest.GetProperty("dataType").GetString());
        Assert.Equal($"%{IngestInvocation.EventHubNameSetting}%", ingest.GetProperty("eventHubName").GetString());

        var queue = Binding("IngestQueue", "in");
        Assert.Equal(new ScrapeOptions().QueueName, queue.GetProperty("queueName").GetString());
        Assert.Equal(StorageOptions.DefaultConnectionName, queue.GetProperty("connection").GetString());
    }

    [Fact]
    public async Task Every_non_HTTP_function_has_its_invocation_endpoint()
    {
        await using var app = new MonitoringAppFactory { Settings = new Dictionary<string, string?> { ["Functions:CustomHandler"] = "true" } };
        using var client = app.CreateClient();
        foreach (var function in NonHttpFunctions)
        {
            // An empty payload: the endpoint exists (whatever it answers), and says so in the custom-handler shape.
            using var content = new StringContent("""{"Data":{"x":"\"y\""},"Metadata":{}}""", Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(new Uri("/" + function, UriKind.Relative), content);
            Assert.NotEqual(404, (int)response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(body.RootElement.TryGetProperty("Logs", out _), $"{function}: {body.RootElement}");
        }
    }

    [Fact]
    public void The_sample_settings_name_every_setting_the_functions_and_the_app_read()
    {
        var settings = SampleSettings();
        var referenced = new HashSet<string>(StringComparer.Ordinal) { "FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage" };
        foreach (var function in Functions)
        {
            var text = File.ReadAllText(Path.Combine(AppRoot, function, "function.json"));
            referenced.UnionWith(SettingReference().Matches(text).Select(m => m.Groups[1].Value));
            var trigger = Binding(function, "in");
            if (trigger.TryGetProperty("connection", out var connection))
            {
                referenced.Add(connection.GetString()!);
            }
        }

        foreach (var (section, type) in new[]
        {
            (StorageOptions.SectionName, typeof(StorageOptions)),
            (ScrapeOptions.SectionName, typeof(ScrapeOptions)),
            (WebOptions.SectionName, typeof(WebOptions)),
            (FunctionsOptions.SectionName, typeof(FunctionsOptions)),
        })
        {
            referenced.UnionWith(type.GetProperties().Where(p => p.CanWrite).Select(p => $"{section}__{p.Name}"));
        }

        // The query settings are read by name (Functions.Api.ApiQueryOptions).
        referenced.UnionWith(["Query__LookbackDelta", "Query__Timeout", "Query__MaxSamples"]);

        var missing = referenced.Where(name => !settings.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "local.settings.sample.json lacks: " + string.Join(", ", missing));
        Assert.Equal("custom", settings["FUNCTIONS_WORKER_RUNTIME"]);

        // The Event Hubs and queue triggers: exactly one of them runs.
        Assert.Equal(["false", "true"], new[] { settings["AzureWebJobs.Ingest.Disabled"], settings["AzureWebJobs.IngestQueue.Disabled"] }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_sample_settings_point_only_at_loopback_and_Azurite()
    {
        foreach (var (name, value) in SampleSettings())
        {
            foreach (Match host in HostInValue().Matches(value))
            {
                Assert.True(host.Groups[1].Value is "localhost" or "127.0.0.1", $"{name} points at {host.Groups[1].Value}");
            }

            Assert.DoesNotContain("windows.net", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AccountKey=", value, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_app_starts_with_the_sample_settings()
    {
        var settings = SampleSettings().ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value);
        using var work = new TempDirectory("sm-sample-settings-");
        settings["Scrape:ConfigFile"] = Path.Combine(AppRoot, "prometheus.yml");
        await using var app = new MonitoringAppFactory { Settings = settings };

        // Validating every option as the host does at start; the storage provider is built without I/O.
        app.Services.GetRequiredService<IStartupValidator>().Validate();
        Assert.True(app.Services.GetRequiredService<HostingMode>().IsCustomHandler);
        Assert.Equal(StorageProvider.AzureStorage, app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider);
        Assert.Equal(TimeSpan.FromSeconds(15), app.Services.GetRequiredService<IOptions<FunctionsOptions>>().Value.ScrapePeriodValue);
    }

    [Fact]
    public void The_README_explains_every_sample_setting()
    {
        var readme = File.ReadAllText(Path.Combine(ToolLocator.RepositoryRoot, "README.md"));
        // Sections are named as in appsettings.json (Storage:Provider); the environment spells them Storage__Provider.
        var unexplained = SampleSettings().Keys
            .Where(name => !readme.Contains($"`{name}`", StringComparison.Ordinal)
                && !readme.Contains($"`{name.Replace("__", ":", StringComparison.Ordinal)}`", StringComparison.Ordinal))
            .ToList();
        Assert.True(unexplained.Count == 0, "README.md does not name: " + string.Join(", ", unexplained));
    }

    [GeneratedRegex(@"^\*/(\d+) \* \* \* \* \*$")]
    private static partial Regex EverySeconds();

    [GeneratedRegex("%([A-Za-z0-9_.:]+)%")]
    private static partial Regex SettingReference();

    [GeneratedRegex(@"://([^/;:]+)")]
    private static partial Regex HostInValue();
}
