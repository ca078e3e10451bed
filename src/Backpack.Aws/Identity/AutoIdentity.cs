using System.Globalization;
using System.Text;
using System.Text.Json;
using Backpack.Aws.Panorama;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Identity;

/// <summary>
/// Which Panorama application instance, application and device this is, read from the Panorama management
/// API (<c>ListApplicationInstances</c>) by the application instance id of the environment (<c>AppGraph_Uid</c>).
/// </summary>
/// <remarks>
/// <para>
/// Needs the IAM permission <c>panorama:ListApplicationInstances</c> in the application role.
/// Panorama reached its end of support on 2026-05-31; the identity resolver also works elsewhere.
/// </para>
/// <para>Immutable and thread-safe. <see cref="ToString"/> prints the Python Backpack's <c>&lt;AutoIdentity ...&gt;</c> block.</para>
/// <example>
/// <code>
/// var identity = await AutoIdentity.FetchAsync(deviceRegion: "us-east-1");
/// Console.WriteLine(identity);              // &lt;AutoIdentity application_created_time=... &gt;
/// var dimension = identity.DeviceId ?? "unknown";
/// </code>
/// </example>
/// </remarks>
public sealed partial class AutoIdentity
{
    /// <summary>The environment variable Panorama sets to the application instance id.</summary>
    public const string ApplicationInstanceIdVariable = "AppGraph_Uid";

    private const string NotAvailable = "NOT_AVAILABLE";

    private AutoIdentity(
        string applicationInstanceId,
        string? applicationName,
        string? applicationDescription,
        IReadOnlyDictionary<string, string> applicationTags,
        DateTimeOffset? applicationCreatedTime,
        string? applicationStatus,
        string? deviceId,
        string? deviceName,
        string? deviceRegion)
    {
        ApplicationInstanceId = applicationInstanceId;
        ApplicationName = applicationName;
        ApplicationDescription = applicationDescription;
        ApplicationTags = applicationTags;
        ApplicationCreatedTime = applicationCreatedTime;
        ApplicationStatus = applicationStatus;
        DeviceId = deviceId;
        DeviceName = deviceName;
        DeviceRegion = deviceRegion;
    }

    /// <summary>The application instance id, e.g. <c>applicationInstance-0123456789abcdefghijklmn</c>.</summary>
    public string ApplicationInstanceId { get; }

    /// <summary>The application's name.</summary>
    public string? ApplicationName { get; }

    /// <summary>The application's description.</summary>
    public string? ApplicationDescription { get; }

    /// <summary>The application instance's tags; empty when it has none.</summary>
    public IReadOnlyDictionary<string, string> ApplicationTags { get; }

    /// <summary>When the application instance was deployed, UTC.</summary>
    public DateTimeOffset? ApplicationCreatedTime { get; }

    /// <summary>The application's health: <c>RUNNING</c> or <c>ERROR</c> (<c>TEST_UTILITY</c> in a test environment).</summary>
    public string? ApplicationStatus { get; }

    /// <summary>The id of the device running the application, e.g. <c>device-0123456789abcdefghijklmn</c>.</summary>
    public string? DeviceId { get; }

    /// <summary>The name of the device running the application.</summary>
    public string? DeviceName { get; }

    /// <summary>The region the device is registered in; <see langword="null"/> for a test-environment identity.</summary>
    public string? DeviceRegion { get; }

    /// <summary>Finds this application instance in <paramref name="deviceRegion"/>, with credentials from the default chain.</summary>
    /// <param name="deviceRegion">The region the Panorama appliance is registered in, e.g. <c>us-east-1</c>.</param>
    /// <param name="applicationInstanceId">The application instance id; <see langword="null"/>: the <c>AppGraph_Uid</c> environment variable.</param>
    /// <param name="options">Retry waits, clock and logging; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the calls and the waits.</param>
    /// <exception cref="ArgumentException"><paramref name="deviceRegion"/> is not a region name, or an option is invalid.</exception>
    /// <exception cref="AutoIdentityError">No instance id, the instance is not deployed in the region, its health stayed <c>NOT_AVAILABLE</c>, or Panorama could not be asked.</exception>
    public static async Task<AutoIdentity> FetchAsync(string deviceRegion, string? applicationInstanceId = null, AutoIdentityOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceRegion);
        options ??= new AutoIdentityOptions();
        options.Validate(nameof(options));
        AwsClientOptions clientOptions = new() { Region = deviceRegion, TimeProvider = options.TimeProvider, LoggerFactory = options.LoggerFactory };
        PanoramaClient panorama;
        try
        {
            panorama = new PanoramaClient(clientOptions);
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException(exception.Message, nameof(deviceRegion), exception);
        }
        using (panorama)
        {
            return await FetchAsync(panorama, applicationInstanceId, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Finds this application instance through a given Panorama client (its region, endpoint and credentials).</summary>
    /// <param name="panorama">The client; its region is the device region.</param>
    /// <param name="applicationInstanceId">The application instance id; <see langword="null"/>: the <c>AppGraph_Uid</c> environment variable.</param>
    /// <param name="options">Retry waits, clock and logging; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the calls and the waits.</param>
    /// <exception cref="ArgumentNullException"><paramref name="panorama"/> is null.</exception>
    /// <exception cref="AutoIdentityError">No instance id, the instance is not deployed in the region, its health stayed <c>NOT_AVAILABLE</c>, or Panorama could not be asked.</exception>
    public static async Task<AutoIdentity> FetchAsync(PanoramaClient panorama, string? applicationInstanceId = null, AutoIdentityOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(panorama);
        options ??= new AutoIdentityOptions();
        options.Validate(nameof(options));
        var logger = options.LoggerFactory.CreateLogger<AutoIdentity>();
        var region = panorama.Region;
        var id = string.IsNullOrWhiteSpace(applicationInstanceId) ? Environment.GetEnvironmentVariable(ApplicationInstanceIdVariable) : applicationInstanceId;
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new AutoIdentityError(
                $"No application instance id: pass one or set the {ApplicationInstanceIdVariable} environment variable (device region {region}).", null, region);
        }

        var delay = options.FirstRetryDelay;
        for (var retries = 0; ; retries++)
        {
            var instance = await FindAsync(panorama, id, cancellationToken).ConfigureAwait(false);
            var status = instance.HealthStatus ?? NotAvailable;
            LogHealth(logger, id, status);
            if (status != NotAvailable)
            {
                return FromInstance(instance, region);
            }
            if (retries >= options.MaxRetries)
            {
                throw new AutoIdentityError(
                    $"Application instance {id} in {region} still has the health status {NotAvailable} after {retries} retries.", id, region);
            }
            LogWaiting(logger, id, delay.TotalSeconds);
            await Task.Delay(delay, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxRetryDelay.Ticks));
        }
    }

    /// <summary>
    /// The identity of an application running outside Panorama, in a test environment: device <c>emulator</c>
    /// named <c>test_utility_emulator</c>, health <c>TEST_UTILITY</c>, the name as description, no tags, created now.
    /// </summary>
    /// <param name="applicationInstanceId">The id to report.</param>
    /// <param name="applicationName">The name to report.</param>
    /// <param name="timeProvider">The clock of the creation time; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">An argument is empty.</exception>
    public static AutoIdentity ForTestEnvironment(string applicationInstanceId, string applicationName, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(applicationInstanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(applicationName);
        return new AutoIdentity(applicationInstanceId, applicationName, applicationName, new Dictionary<string, string>(),
            (timeProvider ?? TimeProvider.System).GetUtcNow(), "TEST_UTILITY", "emulator", "test_utility_emulator", null);
    }

    /// <summary>
    /// The Python Backpack's block: <c>&lt;AutoIdentity</c>, one <c>name="value"</c> line per property in
    /// alphabetical order (times as <c>2022-02-17 16:38:05.510000+00:00</c>, tags as JSON, absent values as <c>None</c>), <c>&gt;</c>.
    /// </summary>
    public override string ToString()
    {
        var builder = new StringBuilder("<AutoIdentity\n");
        Line(builder, "application_created_time", ApplicationCreatedTime is { } created ? PythonTime(created) : null);
        Line(builder, "application_description", ApplicationDescription);
        Line(builder, "application_instance_id", ApplicationInstanceId);
        Line(builder, "application_name", ApplicationName);
        Line(builder, "application_status", ApplicationStatus);
        builder.Append("    application_tags=").Append(PythonJson(ApplicationTags)).Append('\n');
        Line(builder, "device_id", DeviceId);
        Line(builder, "device_name", DeviceName);
        return builder.Append('>').ToString();
    }

    private static async Task<ApplicationInstance> FindAsync(PanoramaClient panorama, string id, CancellationToken cancellationToken)
    {
        string? nextToken = null;
        var pages = 0;
        try
        {
            do
            {
                var page = await panorama.ListApplicationInstancesAsync("DEPLOYMENT_SUCCEEDED", nextToken, cancellationToken).ConfigureAwait(false);
                pages++;
                var match = page.ApplicationInstances.FirstOrDefault(instance => instance.ApplicationInstanceId == id);
                if (match is not null)
                {
                    return match;
                }
                nextToken = page.NextToken;
            }
            while (nextToken is not null && pages < 1000);
        }
        catch (Exception exception) when (exception is AwsServiceException or TimeoutException or HttpRequestException or InvalidOperationException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AutoIdentityError(
                $"Could not list the application instances of {panorama.Region} to find {id}: {exception.Message}", id, panorama.Region, exception);
        }
        throw new AutoIdentityError(
            $"Application instance {id} is not among the deployed application instances of {panorama.Region} ({pages} page(s) read); " +
            "check the application instance id and the device region.", id, panorama.Region);
    }

    private static AutoIdentity FromInstance(ApplicationInstance instance, string region) => new(
        instance.ApplicationInstanceId,
        instance.Name,
        instance.Description,
        instance.Tags,
        instance.CreatedTime,
        instance.HealthStatus,
        instance.DefaultRuntimeContextDevice,
        instance.DefaultRuntimeContextDeviceName,
        region);

    private static void Line(StringBuilder builder, string name, string? value)
    {
        builder.Append("    ").Append(name).Append('=');
        builder.Append(value is null ? "None" : $"\"{value}\"");
        builder.Append('\n');
    }

    /// <summary>Python's <c>str(datetime)</c> of an aware time: microseconds only when there are any.</summary>
    private static string PythonTime(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        var microseconds = utc.Ticks % TimeSpan.TicksPerSecond / 10;
        var text = utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return microseconds == 0 ? text + "+00:00" : $"{text}.{microseconds:D6}+00:00";
    }

    /// <summary>Python's <c>json.dumps</c> of a dict: <c>{"key": "value", ...}</c>.</summary>
    private static string PythonJson(IReadOnlyDictionary<string, string> tags) =>
        "{" + string.Join(", ", tags.Select(tag => $"{JsonSerializer.Serialize(tag.Key)}: {JsonSerializer.Serialize(tag.Value)}")) + "}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Application instance {ApplicationInstanceId} has the health status {HealthStatus}")]
    private static partial void LogHealth(ILogger logger, string applicationInstanceId, string healthStatus);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application instance {ApplicationInstanceId} is not available yet; asking again in {DelaySeconds} s")]
    private static partial void LogWaiting(ILogger logger, string applicationInstanceId, double delaySeconds);
}
