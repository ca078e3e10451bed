using Amazon.Runtime;
using Backpack.Aws.Credentials;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Kinesis.KvsSink;

/// <summary>
/// Puts the AWS keys into kvssink's description: <c>access-key</c>, <c>secret-key</c> and <c>session-token</c>.
/// The original Backpack's <c>KVSInlineCredentialsHandler</c>; meant for long-term keys of an IAM user made for
/// streaming, in development and tests.
/// </summary>
/// <remarks>
/// <para>
/// kvssink reads these properties once, when its pipeline starts, and never renews them: temporary
/// credentials given this way stop working when they expire (a warning at start says when). For temporary
/// credentials use <see cref="KvsFileCredentialsHandler"/>. <see cref="KvsCredentialsHandler.RefreshAsync"/>
/// reads the source again, for pipelines started afterwards.
/// </para>
/// <para>
/// <c>session-token</c> is always set (empty for long-term keys): otherwise kvssink would add an
/// <c>AWS_SESSION_TOKEN</c> of the process environment to these keys.
/// </para>
/// <para>
/// The keys stand in the description as they are; SkyLine masks <c>access-key</c>, <c>secret-key</c> and
/// <c>session-token</c> when it logs a description, and <see cref="KvsSinkDescriptionBuilder.ToString"/> does too.
/// Thread safety as <see cref="KvsCredentialsHandler"/>.
/// </para>
/// <example>
/// <code>
/// await using var credentials = new KvsInlineCredentialsHandler(new BasicAWSCredentials(accessKeyId, secretAccessKey));
/// await credentials.StartAsync();
/// var kvssink = new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { Credentials = credentials }.Build();
/// </code>
/// </example>
/// </remarks>
public sealed partial class KvsInlineCredentialsHandler : KvsCredentialsHandler
{
    private const string Masked = "access-key=*** secret-key=*** session-token=***";
    private readonly KvsCredentialSource _source;
    private volatile string? _maskedAccessKey;

    /// <summary>Creates a handler that puts the keys of <paramref name="credentials"/> into kvssink's description.</summary>
    /// <param name="credentials">
    /// Any AWSSDK.Core credentials (<see cref="BasicAWSCredentials"/>, <see cref="SessionAWSCredentials"/>, ...);
    /// <see langword="null"/> (default): the default AWS credential chain, resolved at <see cref="KvsCredentialsHandler.StartAsync"/>.
    /// </param>
    /// <param name="loggerFactory">Where the start and its warnings are logged (never a secret); <see langword="null"/>: nowhere.</param>
    public KvsInlineCredentialsHandler(AWSCredentials? credentials = null, ILoggerFactory? loggerFactory = null)
        : base(loggerFactory) =>
        _source = new KvsCredentialSource(credentials);

    private protected override Task<string> StartCoreAsync(CancellationToken cancellationToken) => ReadAsync(cancellationToken);

    private protected override Task<string> RefreshCoreAsync(CancellationToken cancellationToken) => ReadAsync(cancellationToken);

    private protected override string Mask(string fragment) => Masked;

    private protected override string Describe() => _maskedAccessKey is { } key ? $"access key {key}" : "not started";

    private async Task<string> ReadAsync(CancellationToken cancellationToken)
    {
        var (credentials, expiration) = await _source.FetchAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        _source.Validate(credentials, forFile: false);
        _maskedAccessKey = TemporaryCredentials.Mask(credentials.AccessKey);
        if (expiration is { } expires)
        {
            LogTemporary(Logger, _maskedAccessKey, expires);
        }
        else
        {
            LogStarted(Logger, _maskedAccessKey);
        }
        return $"access-key={GstSyntax.PropertyValue(credentials.AccessKey)} secret-key={GstSyntax.PropertyValue(credentials.SecretKey)} " +
               $"session-token={GstSyntax.PropertyValue(credentials.UseToken ? credentials.Token : "")}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "kvssink gets AWS access key {AccessKey} inline, in its description")]
    private static partial void LogStarted(ILogger logger, string accessKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "kvssink gets the temporary AWS credentials {AccessKey} inline; it cannot renew them and stops streaming when they expire at {Expiration:O}: use KvsFileCredentialsHandler for temporary credentials")]
    private static partial void LogTemporary(ILogger logger, string accessKey, DateTimeOffset expiration);
}
