using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Hashing;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Checks basic-auth credentials against the web configuration's bcrypt hashes. bcrypt is slow
/// on purpose (about 50 ms at cost 10), so, like upstream, one check runs at a time and outcomes
/// are cached, here for <see cref="CacheTime"/>. The cache key is an HMAC (with a key made per
/// process) of user, hash and password: the cache holds no password, and a changed hash is a new key.
/// </summary>
internal sealed class BasicAuthVerifier : IDisposable
{
    public static readonly TimeSpan CacheTime = TimeSpan.FromMinutes(1);

    public const int CacheCapacity = 256;

    // An unknown user is checked against this (of a random password) so that it takes as long as a
    // known one: response times do not tell which users exist.
    private const string UnknownUserHash = "$2y$10$fOxuNfHO7svfkYwNiYRniuY5icLaiuJGqBWhKHaIiUvl/wbZ/OOKa";

    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Outcome> _cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _bcrypt = new(1, 1);

    /// <summary>How many bcrypt computations ran (for tests of the cache).</summary>
    public long Computations => Interlocked.Read(ref _computations);

    private long _computations;

    public async ValueTask<bool> VerifyAsync(IReadOnlyDictionary<string, Secret> users, string user, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        var known = users.TryGetValue(user, out var secret);
        var hash = known ? secret.Reveal() : UnknownUserHash;
        var key = CacheKey(user, hash, password);
        var now = Stopwatch.GetTimestamp();
        if (_cache.TryGetValue(key, out var cached) && cached.ExpiresAt > now)
        {
            return known && cached.Matches;
        }

        await _bcrypt.WaitAsync(cancellationToken);
        try
        {
            // Another request may have checked the same credentials while this one waited.
            if (_cache.TryGetValue(key, out cached) && cached.ExpiresAt > Stopwatch.GetTimestamp())
            {
                return known && cached.Matches;
            }

            Interlocked.Increment(ref _computations);
            var matches = Bcrypt.Verify(Encoding.UTF8.GetBytes(password), hash);
            Remember(key, new Outcome(matches, Stopwatch.GetTimestamp() + (long)(CacheTime.TotalSeconds * Stopwatch.Frequency)));
            return known && matches;
        }
        finally
        {
            _bcrypt.Release();
        }
    }

    public void Dispose() => _bcrypt.Dispose();

    private void Remember(string key, Outcome outcome)
    {
        if (_cache.Count >= CacheCapacity)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var (k, v) in _cache)
            {
                if (v.ExpiresAt <= now)
                {
                    _cache.TryRemove(k, out _);
                }
            }

            if (_cache.Count >= CacheCapacity)
            {
                _cache.Clear();
            }
        }

        _cache[key] = outcome;
    }

    private string CacheKey(string user, string hash, string password)
    {
        var text = Encoding.UTF8.GetBytes($"{user}\0{hash}\0{password}");
        try
        {
            return Convert.ToBase64String(HMACSHA256.HashData(_cacheKey, text));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(text);
        }
    }

    private readonly record struct Outcome(bool Matches, long ExpiresAt);
}
