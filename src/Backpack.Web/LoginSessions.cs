using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Backpack.Web;

/// <summary>
/// The logins a server knows: random tokens (256 bits, the session cookie's value) with their expiry. Kept in memory
/// only: a restart asks everyone to log in again. At most <see cref="MaxSessions"/>; the oldest gives way.
/// </summary>
/// <remarks>Thread safe.</remarks>
internal sealed class LoginSessions(TimeSpan lifetime, TimeProvider clock)
{
    internal const int MaxSessions = 1024;

    private readonly ConcurrentDictionary<string, long> _expiries = new(StringComparer.Ordinal);

    /// <summary>Opens a session; returns its token.</summary>
    internal string Open()
    {
        if (_expiries.Count >= MaxSessions)
        {
            RemoveExpiredOrOldest();
        }
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _expiries[token] = clock.GetTimestamp() + (long)(lifetime.TotalSeconds * clock.TimestampFrequency);
        return token;
    }

    /// <summary>Whether a token is a session that has not expired.</summary>
    internal bool IsValid(string? token)
    {
        if (string.IsNullOrEmpty(token) || !_expiries.TryGetValue(token, out var expiry))
        {
            return false;
        }
        if (clock.GetTimestamp() < expiry)
        {
            return true;
        }
        _expiries.TryRemove(token, out _);
        return false;
    }

    /// <summary>Ends a session (logout).</summary>
    internal void Close(string? token)
    {
        if (token is not null)
        {
            _expiries.TryRemove(token, out _);
        }
    }

    /// <summary>The sessions open now.</summary>
    internal int Count => _expiries.Count;

    private void RemoveExpiredOrOldest()
    {
        var now = clock.GetTimestamp();
        foreach (var (token, expiry) in _expiries)
        {
            if (expiry <= now)
            {
                _expiries.TryRemove(token, out _);
            }
        }
        while (_expiries.Count >= MaxSessions)
        {
            var oldest = _expiries.MinBy(pair => pair.Value);
            _expiries.TryRemove(oldest.Key, out _);
        }
    }
}
