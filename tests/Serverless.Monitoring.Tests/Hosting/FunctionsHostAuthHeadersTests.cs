using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Hosting;

/// <summary>
/// In Azure the Functions host checks the function key (header <c>x-functions-key</c> or query
/// <c>code</c>) and App Service Authentication (Entra ID) checks the token, then forward the
/// request with those headers and the query intact. The app must answer as usual and must not log them.
/// </summary>
public sealed class FunctionsHostAuthHeadersTests
{
    private const string FunctionKey = "Zm9vLWZ1bmN0aW9uLWtleS10aGF0LW11c3Qtbm90LWJlLWxvZ2dlZA==";
    private const string AccessToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtYmUtbG9nZ2Vk";

    [Theory]
    [InlineData("/-/healthy")]
    [InlineData("/metrics")]
    [InlineData("/api/v1/status/buildinfo")]
    public async Task Requests_forwarded_with_key_and_principal_headers_are_served_and_not_logged(string path)
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = new MonitoringAppFactory().WithWebHostBuilder(builder => builder.ConfigureLogging(l => l.AddProvider(logs)));
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{path}?code={Uri.EscapeDataString(FunctionKey)}");
        request.Headers.Add("x-functions-key", FunctionKey);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + AccessToken);
        request.Headers.Add("X-MS-TOKEN-AAD-ACCESS-TOKEN", AccessToken);
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-NAME", "grafana@example.com");
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-ID", "00000000-0000-0000-0000-000000000001");
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL-IDP", "aad");
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL", Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"auth_typ\":\"aad\",\"claims\":[]}")));
        request.Headers.Add("X-ARR-LOG-ID", Guid.NewGuid().ToString());

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(FunctionKey[..24], logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(AccessToken[..24], logs.Text, StringComparison.Ordinal);
    }
}
