using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Stamps each try with <c>x-ms-date</c> (required on every authorized Storage request, and
/// part of the Shared Key signature, so it must be fresh per retry rather than per call).
/// </summary>
internal sealed class StorageDatePolicy : HttpPipelineSynchronousPolicy
{
    public const string HeaderName = "x-ms-date";

    public static StorageDatePolicy Shared { get; } = new();

    public static string Now() => DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Request.Headers.SetValue(HeaderName, Now());
    }
}
