using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Aws;

/// <summary>
/// How a Backpack AWS client reaches its service: region, endpoint, credentials, timeout and retries.
/// </summary>
/// <remarks>
/// Every property has a default that suits a device in the field; set only what differs.
/// An instance is read when a client is created; later changes do not affect that client.
/// <example>
/// <code>
/// var options = new AwsClientOptions { Region = "eu-west-1", Timeout = TimeSpan.FromSeconds(10) };
/// using var cloudWatch = new CloudWatchClient(options);
/// </code>
/// </example>
/// </remarks>
public sealed class AwsClientOptions
{
    /// <summary>
    /// The AWS region, e.g. <c>us-east-1</c>. When <see langword="null"/>, the <c>AWS_REGION</c> and then the
    /// <c>AWS_DEFAULT_REGION</c> environment variable is used; a client without any region cannot be created.
    /// </summary>
    public string? Region { get; init; }

    /// <summary>
    /// An endpoint that replaces the public one (a VPC interface endpoint, a FIPS endpoint, a local test
    /// server), e.g. <c>https://vpce-0123.monitoring.us-east-1.vpce.amazonaws.com</c>. Absolute <c>http</c> or
    /// <c>https</c> URL; requests are still signed for <see cref="Region"/>. <see langword="null"/> (default):
    /// the public regional endpoint of the service.
    /// </summary>
    public Uri? EndpointUrl { get; init; }

    /// <summary>
    /// The credentials to sign with: any AWSSDK.Core credentials (<see cref="BasicAWSCredentials"/>,
    /// <see cref="SessionAWSCredentials"/>, <see cref="Credentials.TemporaryCredentials"/>, ...).
    /// <see langword="null"/> (default): AWSSDK.Core's default chain — environment variables, shared profile,
    /// web identity, container credentials (ECS/EKS, Greengrass token exchange) and EC2 instance credentials —
    /// resolved at the first call.
    /// </summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>
    /// The longest one call may take, retries and their waits included; past it the call throws
    /// <see cref="TimeoutException"/>. Default 30 s; must be positive.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times one call is attempted when the service throttles, answers 5xx or cannot be reached
    /// (the first attempt included). Default 3; 1 disables retries; at most 20.
    /// </summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>
    /// The base of the exponential backoff between attempts: before retry <c>n</c> the client waits a random
    /// time between 0 and <c>min(MaxRetryDelay, RetryBaseDelay * 2^(n-1))</c> ("full jitter"). Default 100 ms.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two attempts. Default 20 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long one attempt may wait for its connection to be established before it counts as a network failure
    /// (and is retried within <see cref="Timeout"/>). <see langword="null"/> (default): the shorter of
    /// <see cref="Timeout"/> and 10 s. Internal: tests shorten it to reach an endpoint that never accepts quickly.
    /// </summary>
    internal TimeSpan? ConnectTimeout { get; init; }

    /// <summary>The clock for signing times, timeouts and backoff waits. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the client logs retries and failures. Default: no logging.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Checks every property and returns the region to use.</summary>
    /// <exception cref="ArgumentException">A property is out of range or no region is known.</exception>
    internal string Validate(string parameterName)
    {
        var region = Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");
        if (string.IsNullOrWhiteSpace(region))
        {
            throw new ArgumentException(
                "No AWS region: set AwsClientOptions.Region (e.g. \"us-east-1\") or the AWS_REGION environment variable.", parameterName);
        }
        if (!AwsRegions.IsValid(region))
        {
            throw new ArgumentException($"AwsClientOptions.Region \"{region}\" is not an AWS region name such as \"us-east-1\".", parameterName);
        }
        if (EndpointUrl is not null && (!EndpointUrl.IsAbsoluteUri || (EndpointUrl.Scheme != Uri.UriSchemeHttps && EndpointUrl.Scheme != Uri.UriSchemeHttp)))
        {
            throw new ArgumentException($"AwsClientOptions.EndpointUrl \"{EndpointUrl}\" must be an absolute http or https URL.", parameterName);
        }
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"AwsClientOptions.Timeout must be between 0 and 1 day; it was {Timeout}.", parameterName);
        }
        if (MaxAttempts is < 1 or > 20)
        {
            throw new ArgumentException($"AwsClientOptions.MaxAttempts must be between 1 and 20; it was {MaxAttempts}.", parameterName);
        }
        if (ConnectTimeout is { } connectTimeout && (connectTimeout <= TimeSpan.Zero || connectTimeout > Timeout))
        {
            throw new ArgumentException($"AwsClientOptions.ConnectTimeout must be positive and at most Timeout ({Timeout}); it was {connectTimeout}.", parameterName);
        }
        if (RetryBaseDelay < TimeSpan.Zero || MaxRetryDelay < RetryBaseDelay)
        {
            throw new ArgumentException(
                $"AwsClientOptions.RetryBaseDelay ({RetryBaseDelay}) must be at least 0 and at most MaxRetryDelay ({MaxRetryDelay}).", parameterName);
        }
        ArgumentNullException.ThrowIfNull(TimeProvider, $"{parameterName}.{nameof(TimeProvider)}");
        ArgumentNullException.ThrowIfNull(LoggerFactory, $"{parameterName}.{nameof(LoggerFactory)}");
        return region;
    }
}
