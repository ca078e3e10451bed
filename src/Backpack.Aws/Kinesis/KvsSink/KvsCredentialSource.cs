using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Backpack.Aws.Kinesis.KvsSink;

/// <summary>
/// The AWSSDK.Core credentials a handler hands to kvssink: the ones given, or the default chain resolved once;
/// fetched with their expiry, and checked against what kvssink can read.
/// </summary>
internal sealed class KvsCredentialSource
{
    // kvssink's credential file limits (producer-c Include.h MAX_ACCESS_KEY_LEN, MAX_SECRET_KEY_LEN,
    // MAX_SESSION_TOKEN_LEN): fscanf reads at most this many characters of each and silently cuts the rest.
    internal const int MaxAccessKeyLength = 128;
    internal const int MaxSecretKeyLength = 128;
    internal const int MaxSessionTokenLength = 2048;

    private readonly AWSCredentials? _configured;
    private AWSCredentials? _resolved;

    internal KvsCredentialSource(AWSCredentials? configured) => _configured = configured;

    /// <summary>What the credentials come from, for messages: the type given, or "the default credential chain".</summary>
    internal string Description => _configured is null
        ? _resolved is null ? "the default AWS credential chain" : $"the default AWS credential chain ({_resolved.GetType().Name})"
        : _configured.GetType().Name;

    /// <summary>
    /// Credentials and their expiry (UTC; <see langword="null"/> when the source does not know one, as for
    /// long-term keys). A <see cref="RefreshingAWSCredentials"/> is asked for credentials valid at least
    /// <paramref name="minimumLifetime"/> more, so it renews ones that would expire sooner.
    /// </summary>
    /// <exception cref="InvalidOperationException">No credentials could be obtained; the message says from what and why.</exception>
    internal async Task<(ImmutableCredentials Credentials, DateTimeOffset? Expiration)> FetchAsync(TimeSpan minimumLifetime, CancellationToken cancellationToken)
    {
        var source = await ResolveAsync(cancellationToken).ConfigureAwait(false);
        var credentials = await GetAsync(source, minimumLifetime, cancellationToken).ConfigureAwait(false);
        // The expiry is a property beside the credentials, read after them. A background refresh in between would
        // pair the new expiry with the old keys: the credentials are asked for again, and must be the same.
        for (var attempt = 0; ; attempt++)
        {
            var expiration = source.Expiration;
            var again = await GetAsync(source, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            if (Same(again, credentials) || attempt == 2)
            {
                return (again, expiration is { } expires ? ToUtc(expires) : null);
            }
            credentials = again;
        }
    }

    private async Task<ImmutableCredentials> GetAsync(AWSCredentials source, TimeSpan minimumLifetime, CancellationToken cancellationToken)
    {
        ImmutableCredentials? credentials;
        try
        {
            credentials = source is RefreshingAWSCredentials refreshing && minimumLifetime > TimeSpan.Zero
                ? await refreshing.GetCredentialsAsync(minimumLifetime).WaitAsync(cancellationToken).ConfigureAwait(false)
                : await source.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new InvalidOperationException($"No AWS credentials from {Description}: {exception.Message}", exception);
        }
        return credentials ?? throw new InvalidOperationException($"No AWS credentials from {Description}: it returned none.");
    }

    private static bool Same(ImmutableCredentials a, ImmutableCredentials b) =>
        a.AccessKey == b.AccessKey && a.SecretKey == b.SecretKey && a.Token == b.Token;

    /// <summary>
    /// Refuses credentials that kvssink would misread: empty keys, and characters no AWS key or token holds
    /// (whitespace would split the credential file's fields; quotes and backslashes the description's values).
    /// Names the field and its length, never its value.
    /// </summary>
    /// <param name="credentials">What the source returned.</param>
    /// <param name="forFile">Also apply the credential file's length limits.</param>
    /// <exception cref="InvalidOperationException">A field is empty, too long or has such a character.</exception>
    internal void Validate(ImmutableCredentials credentials, bool forFile)
    {
        Check(credentials.AccessKey, "access key id", forFile ? MaxAccessKeyLength : int.MaxValue, required: true);
        Check(credentials.SecretKey, "secret access key", forFile ? MaxSecretKeyLength : int.MaxValue, required: true);
        Check(credentials.Token, "session token", forFile ? MaxSessionTokenLength : int.MaxValue, required: false);
    }

    private void Check(string? value, string field, int maxLength, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                throw new InvalidOperationException($"The AWS credentials from {Description} have no {field}.");
            }
            return;
        }
        if (value.Length > maxLength)
        {
            throw new InvalidOperationException(
                $"The {field} from {Description} is {value.Length} characters long; kvssink's credential file holds at most {maxLength} (longer ones are cut and fail to sign).");
        }
        foreach (var character in value)
        {
            if (character is <= ' ' or > '~' or '"' or '\'' or '\\')
            {
                throw new InvalidOperationException(
                    $"The {field} from {Description} contains whitespace, a quote, a backslash or a non-ASCII character, which no AWS credential has; check the credentials source.");
            }
        }
    }

    private async Task<AWSCredentials> ResolveAsync(CancellationToken cancellationToken)
    {
        if (_configured is not null)
        {
            return _configured;
        }
        if (_resolved is not null)
        {
            return _resolved;
        }
        try
        {
            // Kept for the handler's lifetime: what it resolves (container, instance role) refreshes through it.
            _resolved = await new DefaultAWSCredentialsIdentityResolver().ResolveIdentityAsync(null, cancellationToken).ConfigureAwait(false);
            return _resolved;
        }
        catch (AmazonClientException exception)
        {
            throw new InvalidOperationException(
                "No AWS credentials found in the default chain (environment, shared profile, web identity, container, EC2 instance): " + exception.Message,
                exception);
        }
    }

    private static DateTimeOffset ToUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc), TimeSpan.Zero),
    };
}
