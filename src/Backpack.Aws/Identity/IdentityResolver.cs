using System.Text.Json;
using Backpack.Aws.Panorama;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Identity;

/// <summary>
/// Tells who this device is wherever it runs: AWS Panorama when <c>AppGraph_Uid</c> is set, then AWS IoT
/// Greengrass (<c>AWS_IOT_THING_NAME</c>), then the EC2 instance identity through IMDSv2, then the host's machine
/// id and host name — and says which source answered.
/// </summary>
/// <remarks>
/// A source that cannot answer, whatever the reason, is skipped with it in <see cref="ResolvedIdentity.Skipped"/> (and a
/// log line), and the next source is asked; the host always answers. Each source gets at most
/// <see cref="IdentityResolverOptions.SourceTimeout"/> (60 s by default), so a Panorama deployment that stays
/// <c>NOT_AVAILABLE</c> costs a minute, not the hours AutoIdentity's retries would wait. Panorama needs
/// <c>panorama:ListApplicationInstances</c>; the other sources need no permission. Thread-safe; each call resolves anew.
/// <example>
/// <code>
/// var identity = await new IdentityResolver(new IdentityResolverOptions { Region = "us-east-1" }).ResolveAsync();
/// Console.WriteLine($"{identity.Source}: {identity.DeviceId}");
/// </code>
/// </example>
/// </remarks>
public sealed partial class IdentityResolver
{
    private readonly IdentityResolverOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a resolver.</summary>
    /// <param name="options">Where to look; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public IdentityResolver(IdentityResolverOptions? options = null)
    {
        _options = options ?? new IdentityResolverOptions();
        if (_options.InstanceMetadataTimeout <= TimeSpan.Zero || _options.InstanceMetadataTimeout > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"IdentityResolverOptions.InstanceMetadataTimeout must be between 0 and 1 minute; it was {_options.InstanceMetadataTimeout}.", nameof(options));
        }
        if (_options.InstanceMetadataEndpoint is { } imds && (!imds.IsAbsoluteUri || imds.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"IdentityResolverOptions.InstanceMetadataEndpoint \"{imds}\" must be an absolute http URL.", nameof(options));
        }
        if (_options.SourceTimeout != Timeout.InfiniteTimeSpan && (_options.SourceTimeout <= TimeSpan.Zero || _options.SourceTimeout > TimeSpan.FromDays(1)))
        {
            throw new ArgumentException(
                $"IdentityResolverOptions.SourceTimeout must be more than 0 and at most 1 day, or Timeout.InfiniteTimeSpan for no bound; it was {_options.SourceTimeout}.",
                nameof(options));
        }
        ArgumentNullException.ThrowIfNull(_options.TimeProvider, $"{nameof(options)}.{nameof(IdentityResolverOptions.TimeProvider)}");
        ArgumentNullException.ThrowIfNull(_options.AutoIdentity, $"{nameof(options)}.{nameof(IdentityResolverOptions.AutoIdentity)}");
        _options.AutoIdentity.Validate(nameof(options));
        _logger = _options.LoggerFactory.CreateLogger<IdentityResolver>();
    }

    /// <summary>Tries the sources in order and returns the first answer, giving each at most <see cref="IdentityResolverOptions.SourceTimeout"/>.</summary>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <exception cref="ArgumentException">The Panorama region or endpoint is invalid.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ResolvedIdentity> ResolveAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var skipped = new List<string>();
        return await WithinSourceTimeoutAsync(IdentitySource.Panorama, skipped, PanoramaAsync, cancellationToken).ConfigureAwait(false)
            ?? Greengrass(skipped)
            ?? await WithinSourceTimeoutAsync(IdentitySource.Ec2, skipped, Ec2Async, cancellationToken).ConfigureAwait(false)
            ?? Host(skipped);
    }

    /// <summary>
    /// Asks a source with a token that also ends at the source timeout; a source that has not answered by then is
    /// skipped. The source's own failures are its own to skip; only the caller's cancellation goes further.
    /// </summary>
    private async Task<ResolvedIdentity?> WithinSourceTimeoutAsync(
        IdentitySource source, List<string> skipped, Func<List<string>, CancellationToken, Task<ResolvedIdentity?>> ask, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.SourceTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await ask(skipped, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Skip(skipped, source, $"no answer within {_options.SourceTimeout.TotalSeconds:0.###} s (IdentityResolverOptions.SourceTimeout)");
            return null;
        }
    }

    private void Skip(List<string> skipped, IdentitySource source, string reason)
    {
        skipped.Add($"{source.ToString().ToLowerInvariant()}: {reason}");
        LogSkipped(_logger, source, reason);
    }

    private async Task<ResolvedIdentity?> PanoramaAsync(List<string> skipped, CancellationToken cancellationToken)
    {
        var instanceId = _options.GetEnvironmentVariable(AutoIdentity.ApplicationInstanceIdVariable);
        if (string.IsNullOrWhiteSpace(instanceId))
        {
            Skip(skipped, IdentitySource.Panorama, $"{AutoIdentity.ApplicationInstanceIdVariable} is not set");
            return null;
        }
        var region = _options.Region ?? _options.GetEnvironmentVariable("AWS_REGION") ?? _options.GetEnvironmentVariable("AWS_DEFAULT_REGION");
        if (string.IsNullOrWhiteSpace(region))
        {
            Skip(skipped, IdentitySource.Panorama, $"{AutoIdentity.ApplicationInstanceIdVariable} is set but no device region is known (set the region or AWS_REGION)");
            return null;
        }
        using var panorama = new PanoramaClient(new AwsClientOptions
        {
            Region = region,
            EndpointUrl = _options.PanoramaEndpointUrl,
            Credentials = _options.Credentials,
            Timeout = _options.PanoramaTimeout,
            ConnectTimeout = _options.PanoramaConnectTimeout,
            TimeProvider = _options.TimeProvider,
            LoggerFactory = _options.LoggerFactory,
        });
        try
        {
            var identity = await AutoIdentity.FetchAsync(panorama, instanceId, _options.AutoIdentity, cancellationToken).ConfigureAwait(false);
            return new ResolvedIdentity(IdentitySource.Panorama, identity.DeviceId ?? identity.ApplicationInstanceId, identity.DeviceName, region, identity,
                new Dictionary<string, string>(), skipped);
        }
        catch (Exception exception) when (IsSourceFailure(exception, cancellationToken))
        {
            Skip(skipped, IdentitySource.Panorama, exception is AutoIdentityError ? exception.Message : Describe(exception));
            return null;
        }
    }

    private ResolvedIdentity? Greengrass(List<string> skipped)
    {
        var thingName = _options.GetEnvironmentVariable("AWS_IOT_THING_NAME");
        if (string.IsNullOrWhiteSpace(thingName))
        {
            Skip(skipped, IdentitySource.Greengrass, "AWS_IOT_THING_NAME is not set");
            return null;
        }
        var region = _options.GetEnvironmentVariable("AWS_REGION") ?? _options.GetEnvironmentVariable("AWS_DEFAULT_REGION");
        return new ResolvedIdentity(IdentitySource.Greengrass, thingName, thingName, region,
            null, new Dictionary<string, string> { ["thing_name"] = thingName }, skipped);
    }

    private async Task<ResolvedIdentity?> Ec2Async(List<string> skipped, CancellationToken cancellationToken)
    {
        if (string.Equals(_options.GetEnvironmentVariable("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip(skipped, IdentitySource.Ec2, "disabled by AWS_EC2_METADATA_DISABLED=true");
            return null;
        }
        var configured = _options.GetEnvironmentVariable("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        var endpoint = _options.InstanceMetadataEndpoint
            ?? (Uri.TryCreate(configured, UriKind.Absolute, out var fromEnvironment) ? fromEnvironment : InstanceMetadataClient.DefaultEndpoint);
        try
        {
            var document = await InstanceMetadataClient.IdentityDocumentAsync(endpoint, _options.InstanceMetadataTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            if (!document.TryGetValue("instanceId", out var instanceId) || string.IsNullOrEmpty(instanceId))
            {
                Skip(skipped, IdentitySource.Ec2, $"the instance identity document at {endpoint} has no instanceId");
                return null;
            }
            var details = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, name) in new[] { ("accountId", "account_id"), ("instanceType", "instance_type"), ("availabilityZone", "availability_zone"), ("imageId", "image_id"), ("architecture", "architecture") })
            {
                if (document.TryGetValue(key, out var value))
                {
                    details[name] = value;
                }
            }
            return new ResolvedIdentity(IdentitySource.Ec2, instanceId, null, document.GetValueOrDefault("region"), null, details, skipped);
        }
        catch (JsonException exception)
        {
            Skip(skipped, IdentitySource.Ec2, $"the instance identity document at {endpoint.GetLeftPart(UriPartial.Authority)} is not a JSON object ({exception.Message})");
            return null;
        }
        catch (Exception exception) when (IsSourceFailure(exception, cancellationToken))
        {
            Skip(skipped, IdentitySource.Ec2, $"no instance metadata at {endpoint.GetLeftPart(UriPartial.Authority)} ({Describe(exception)})");
            return null;
        }
    }

    /// <summary>
    /// True for any failure of one source except the caller's own cancellation: a source that cannot answer, for
    /// whatever reason, is skipped so that the next one is asked (the host always answers).
    /// </summary>
    private static bool IsSourceFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    /// <summary>The message of an expected network failure; the type too of anything else, which would say nothing alone.</summary>
    private static string Describe(Exception exception) =>
        exception is HttpRequestException or TimeoutException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";

    private ResolvedIdentity Host(List<string> skipped)
    {
        var hostName = _options.GetHostName();
        string? machineId = null;
        foreach (var file in _options.MachineIdFiles)
        {
            try
            {
                var text = File.Exists(file) ? File.ReadAllText(file).Trim() : string.Empty;
                if (text.Length > 0)
                {
                    machineId = text;
                    break;
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                var reason = $"{file} could not be read: {exception.Message}";
                LogSkipped(_logger, IdentitySource.Host, reason);
            }
        }
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["host_name"] = hostName };
        if (machineId is not null)
        {
            details["machine_id"] = machineId;
        }
        return new ResolvedIdentity(IdentitySource.Host, machineId ?? hostName, hostName, null, null, details, skipped);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity source {Source} skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, IdentitySource source, string reason);
}
