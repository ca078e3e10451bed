using Amazon.Runtime;

namespace Backpack.Aws.Tests.Fakes;

/// <summary>The access keys a fake service accepts, with their secrets and session tokens.</summary>
internal sealed class TestCredentials
{
    private readonly Dictionary<string, (string Secret, string? Token, DateTimeOffset? ExpiresAt)> _keys = new(StringComparer.Ordinal);

    /// <summary>A recognisable secret the leak scan looks for.</summary>
    public const string Secret = "SeCrEt/Kx9q2ZLeAkCanary+abcdefghijklmnop";

    public const string Token = "ToKeN//CanaryLeak//IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ";

    public static TestCredentials Default { get; } = new TestCredentials()
        .Add("AKIDBACKPACKTEST0001", Secret, null)
        .Add("ASIABACKPACKTEST0002", Secret + "2", Token);

    public static BasicAWSCredentials Static => new("AKIDBACKPACKTEST0001", Secret);

    public static SessionAWSCredentials Session => new("ASIABACKPACKTEST0002", Secret + "2", Token);

    /// <summary>Accepts <paramref name="accessKey"/>; from <paramref name="expiresAt"/> on, a service refuses it as expired.</summary>
    public TestCredentials Add(string accessKey, string secret, string? token, DateTimeOffset? expiresAt = null)
    {
        lock (_keys)
        {
            _keys[accessKey] = (secret, token, expiresAt);
        }
        return this;
    }

    /// <summary>When <paramref name="accessKey"/> stops being accepted; null when it never does or is unknown.</summary>
    public DateTimeOffset? ExpiresAt(string accessKey)
    {
        lock (_keys)
        {
            return _keys.TryGetValue(accessKey, out var entry) ? entry.ExpiresAt : null;
        }
    }

    public bool TryGetSecret(string accessKey, out string secret, out string? token)
    {
        lock (_keys)
        {
            if (_keys.TryGetValue(accessKey, out var entry))
            {
                (secret, token, _) = entry;
                return true;
            }
        }
        (secret, token) = (string.Empty, null);
        return false;
    }
}
