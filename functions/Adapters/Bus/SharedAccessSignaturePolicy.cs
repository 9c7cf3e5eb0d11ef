using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>Sets a SAS <c>Authorization</c> header on every try, renewing the token well before it expires.</summary>
internal sealed class SharedAccessSignaturePolicy : HttpPipelineSynchronousPolicy
{
    private readonly Uri _resource;
    private readonly string _keyName;
    private readonly string _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private (string Token, DateTimeOffset RenewAfter)? _current;

    public SharedAccessSignaturePolicy(Uri resource, string keyName, string key, TimeSpan lifetime, TimeProvider time)
    {
        _resource = resource;
        _keyName = keyName;
        _key = key;
        _lifetime = lifetime;
        _time = time;
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Request.Headers.SetValue("Authorization", Token());
    }

    private string Token()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_current is not { } current || now >= current.RenewAfter)
            {
                var token = SharedAccessSignature.Create(_resource, _keyName, _key, now + _lifetime);
                current = (token, now + (_lifetime / 2));
                _current = current;
            }

            return current.Token;
        }
    }
}
