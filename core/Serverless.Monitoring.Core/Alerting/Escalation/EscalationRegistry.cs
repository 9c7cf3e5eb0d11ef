using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Core.Alerting.Escalation;

/// <summary>
/// The running escalations of a host without Durable Functions (the embedded server): the same
/// <see cref="EscalationStepper"/> steps as the orchestration's activity, driven by a loop
/// (<see cref="RunDueAsync"/>) and by signals, with every state saved to one blob after each
/// change so a restart continues each escalation at its level. Ended (resolved) escalations are
/// dropped, as their orchestrations complete.
/// </summary>
public sealed class EscalationRegistry(EscalationStepper stepper, IBlobStore store, TimeProvider time, ILogger<EscalationRegistry> logger) : IDisposable
{
    public const string BlobName = "escalations.json";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, EscalationState> _states = new(StringComparer.Ordinal);
    private bool _loaded;

    /// <summary>Raised after any change that may move the next due time (the loop waits on it).</summary>
    public event Action? Changed;

    /// <summary>The running escalations, by ID.</summary>
    public async Task<IReadOnlyList<EscalationState>> ListAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
            return [.. _states.Values.OrderBy(s => s.Id, StringComparer.Ordinal)];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts an escalation unless one runs for its group and receiver; its first level is reached at once.</summary>
    public Task<EscalationState> StartAsync(EscalationState initial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(initial);
        return UpdateAsync(initial.Id, current => current ?? initial, signal: null, cancellationToken)!;
    }

    /// <summary>Applies a signal to a running escalation; null when none runs with that ID.</summary>
    public Task<EscalationState?> SignalAsync(string id, EscalationSignal signal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        return UpdateAsync(id, current => current, signal, cancellationToken);
    }

    /// <summary>Steps every escalation that is due; returns when the next one is due (null: none).</summary>
    public async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var changed = false;
            foreach (var state in _states.Values.Where(s => s.NextDue <= now).ToList())
            {
                Put(await stepper.StepAsync(state, signal: null, now, cancellationToken).ConfigureAwait(false));
                changed = true;
            }

            if (changed)
            {
                await SaveAsync(cancellationToken).ConfigureAwait(false);
            }

            return _states.Values.Min(s => s.NextDue);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<EscalationState?> UpdateAsync(string id, Func<EscalationState?, EscalationState?> choose, EscalationSignal? signal, CancellationToken cancellationToken)
    {
        EscalationState? state;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoadAsync(cancellationToken).ConfigureAwait(false);
            state = choose(_states.GetValueOrDefault(id));
            if (state is null)
            {
                return null;
            }

            state = await stepper.StepAsync(state, signal, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            Put(state);
            await SaveAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        Changed?.Invoke();
        return state;
    }

    public void Dispose() => _gate.Dispose();

    private void Put(EscalationState state)
    {
        if (state.Status == EscalationStatus.Resolved)
        {
            _states.Remove(state.Id);
        }
        else
        {
            _states[state.Id] = state;
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        await store.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var blob = await store.GetAsync(BlobName, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var state in JsonSerializer.Deserialize(blob.Data.Span, EscalationJsonContext.Default.ListEscalationState) ?? [])
            {
                _states[state.Id] = state;
            }

            logger.LogInformation("Loaded {Count} running escalations", _states.Count);
        }
        catch (StorageNotFoundException)
        {
        }

        _loaded = true;
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes([.. _states.Values], EscalationJsonContext.Default.ListEscalationState);
        using var content = new MemoryStream(json);
        await store.PutAsync(BlobName, content, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<EscalationState>))]
internal sealed partial class EscalationJsonContext : JsonSerializerContext;
