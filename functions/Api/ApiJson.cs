using System.Text.Json.Serialization;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>The Prometheus HTTP API envelope of a successful response.</summary>
internal sealed record ApiResponse<T>(string Status, T Data)
{
    public static ApiResponse<T> Success(T data) => new("success", data);
}

/// <summary>The <c>data</c> of <c>/api/v1/status/buildinfo</c>, in Prometheus's field names.</summary>
internal sealed record BuildInfoData(string Version, string Revision, string Branch, string BuildUser, string BuildDate, string GoVersion);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ApiResponse<BuildInfoData>))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
