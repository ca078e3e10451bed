using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Aws.Identity;

/// <summary>Where <see cref="IdentityResolver"/> looks and how long it waits.</summary>
public sealed class IdentityResolverOptions
{
    /// <summary>The region of the Panorama appliance; <see langword="null"/>: <c>AWS_REGION</c>, then <c>AWS_DEFAULT_REGION</c>.</summary>
    public string? Region { get; init; }

    /// <summary>An endpoint replacing Panorama's public one (VPC endpoint, test server); <see langword="null"/>: the public one.</summary>
    public Uri? PanoramaEndpointUrl { get; init; }

    /// <summary>Credentials for Panorama; <see langword="null"/>: AWSSDK.Core's default chain.</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>
    /// How AutoIdentity waits while the application's health is <c>NOT_AVAILABLE</c>. Default: 5 s doubling to 300 s,
    /// 50 retries — hours in all, which <see cref="SourceTimeout"/> cuts short.
    /// </summary>
    public AutoIdentityOptions AutoIdentity { get; init; } = new();

    /// <summary>
    /// The longest one source may take, its calls, retries and waits included: past it the source is skipped with the
    /// reason <c>no answer within ...</c> and the next one is asked. It bounds above all the Panorama source, whose
    /// AutoIdentity would otherwise keep waiting for a deployment that stays <c>NOT_AVAILABLE</c>. Measured on
    /// <see cref="TimeProvider"/>. Default 60 s; more than zero and at most one day, or
    /// <see cref="Timeout.InfiniteTimeSpan"/> to let each source take as long as its own limits allow.
    /// </summary>
    public TimeSpan SourceTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The EC2 instance metadata service; <see langword="null"/>: <c>AWS_EC2_METADATA_SERVICE_ENDPOINT</c>, then
    /// <c>http://169.254.169.254</c>. Setting <c>AWS_EC2_METADATA_DISABLED=true</c> skips EC2 altogether.
    /// </summary>
    public Uri? InstanceMetadataEndpoint { get; init; }

    /// <summary>How long each instance metadata request may take: off EC2 nothing answers, so keep it short. Default 1 s.</summary>
    public TimeSpan InstanceMetadataTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock of timeouts and waits. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the resolver logs which sources it tried. Default: nowhere.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The longest one Panorama call may take, retries included (shortened in tests).</summary>
    internal TimeSpan PanoramaTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one Panorama connection attempt may take; <see langword="null"/>: the client's default (shortened in tests).</summary>
    internal TimeSpan? PanoramaConnectTimeout { get; init; }

    /// <summary>Reads an environment variable (replaced in tests).</summary>
    internal Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The files holding the machine id, first found wins (replaced in tests).</summary>
    internal IReadOnlyList<string> MachineIdFiles { get; init; } = ["/etc/machine-id", "/var/lib/dbus/machine-id"];

    /// <summary>The host name (replaced in tests).</summary>
    internal Func<string> GetHostName { get; init; } = () => Environment.MachineName;
}
