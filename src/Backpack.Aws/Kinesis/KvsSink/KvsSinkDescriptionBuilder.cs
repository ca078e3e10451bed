using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Backpack.Aws.Kinesis.KvsSink;

/// <summary>
/// Writes kvssink's part of a GStreamer description: stream, region, buffer size, fragments, retention and the
/// credentials (a <see cref="KvsCredentialsHandler"/> or an <see cref="KvsIotCertificate"/>), with every value quoted
/// and escaped as gst_parse_launch reads it.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Build"/> gives the element, e.g.
/// <c>kvssink stream-name=cam-1 aws-region=eu-west-1 storage-size=512 credential-path=/run/user/1000/backpack-kvssink-…/credential</c>.
/// kvssink takes only <see cref="InputCaps"/>, so a SkyLine output description puts
/// <c>h264parse ! video/x-h264,stream-format=avc,alignment=au !</c> before it. Properties left
/// <see langword="null"/> are not written, and kvssink's defaults apply.
/// </para>
/// <para>
/// kvssink reads <c>AWS_DEFAULT_REGION</c> of the process environment before its <c>aws-region</c> property:
/// where that variable is set, it decides the region.
/// </para>
/// <para>
/// Secrets: with a <see cref="KvsInlineCredentialsHandler"/> the keys stand in the built text. SkyLine masks
/// <c>access-key</c>, <c>secret-key</c> and <c>session-token</c> whenever it logs a description, and
/// <see cref="ToString"/> gives the description with them masked; log that, never <see cref="Build"/>'s result.
/// </para>
/// <para>Not thread-safe while being configured; <see cref="Build"/> reads the properties as they are then.</para>
/// <example>
/// <code>
/// await using var credentials = new KvsFileCredentialsHandler();
/// await credentials.StartAsync();
/// var kvssink = new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { StorageSizeMegabytes = 64, Credentials = credentials }.Build();
/// using var skyLine = new SinkSkyLine($"h264parse ! {KvsSinkDescriptionBuilder.InputCaps} ! {kvssink}");
/// </code>
/// </example>
/// </remarks>
public sealed partial class KvsSinkDescriptionBuilder
{
    /// <summary>The only H.264 caps kvssink's sink pad accepts: AVC stream format, whole access units.</summary>
    public const string InputCaps = "video/x-h264,stream-format=avc,alignment=au";

    /// <summary>The largest <see cref="StorageSizeMegabytes"/>: the Producer SDK's 10 GiB content store limit.</summary>
    public const int MaxStorageSizeMegabytes = 10 * 1024;

    /// <summary>The largest <see cref="RetentionHours"/> Kinesis Video Streams accepts: ten years.</summary>
    public const int MaxRetentionHours = 87_600;

    private int? _storageSize;
    private TimeSpan? _fragmentDuration;
    private int? _retentionHours;

    /// <summary>Starts a description for one Kinesis video stream.</summary>
    /// <param name="streamName">The stream (<c>stream-name</c>): 1 to 256 letters, digits and <c>_ . -</c>.</param>
    /// <param name="region">The stream's AWS region (<c>aws-region</c>), e.g. <c>eu-west-1</c>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The stream name is not a Kinesis Video stream name, or the region not a region name.</exception>
    public KvsSinkDescriptionBuilder(string streamName, string region)
    {
        ArgumentNullException.ThrowIfNull(streamName);
        ArgumentNullException.ThrowIfNull(region);
        if (!StreamNamePattern().IsMatch(streamName))
        {
            throw new ArgumentException(
                $"'{streamName}' is not a Kinesis Video stream name: 1 to 256 letters, digits and '_', '.', '-'.", nameof(streamName));
        }
        if (!AwsRegions.IsValid(region))
        {
            throw new ArgumentException($"'{region}' is not an AWS region name such as eu-west-1 or us-gov-west-1.", nameof(region));
        }
        StreamName = streamName;
        Region = region;
    }

    /// <summary>The Kinesis video stream.</summary>
    public string StreamName { get; }

    /// <summary>The stream's AWS region.</summary>
    public string Region { get; }

    /// <summary>
    /// kvssink's content store (<c>storage-size</c>) in <b>megabytes</b> (MiB), allocated up front when its pipeline
    /// starts: 1 to <see cref="MaxStorageSizeMegabytes"/>. The AWS Panorama sample used 512; kvssink reads the value in
    /// MB, whatever older documentation says. <see langword="null"/> (default): kvssink's 128 MB.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 1 to <see cref="MaxStorageSizeMegabytes"/>.</exception>
    public int? StorageSizeMegabytes
    {
        get => _storageSize;
        set
        {
            if (value is { } megabytes && (megabytes < 1 || megabytes > MaxStorageSizeMegabytes))
            {
                throw new ArgumentOutOfRangeException(nameof(StorageSizeMegabytes), megabytes,
                    $"kvssink's storage-size is in megabytes, 1 to {MaxStorageSizeMegabytes} (the SDK's 10 GiB limit).");
            }
            _storageSize = value;
        }
    }

    /// <summary>
    /// The shortest fragment (<c>fragment-duration</c>, written in milliseconds, with <c>key-frame-fragmentation=false</c>):
    /// kvssink then starts a fragment at the first key frame at least this long after the last one, so forced key
    /// frames stay inside a fragment. Whole milliseconds, 1 to 10 s (the service refuses fragments over 10 s).
    /// <see langword="null"/> (default): a fragment at every key frame.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not whole milliseconds, or outside 1 to 10 s.</exception>
    public TimeSpan? FragmentDuration
    {
        get => _fragmentDuration;
        set
        {
            if (value is { } duration && (duration < TimeSpan.FromSeconds(1) || duration > TimeSpan.FromSeconds(10) || duration.Ticks % TimeSpan.TicksPerMillisecond != 0))
            {
                throw new ArgumentOutOfRangeException(nameof(FragmentDuration), duration,
                    "A Kinesis Video fragment lasts 1 to 10 s; kvssink takes whole milliseconds.");
            }
            _fragmentDuration = value;
        }
    }

    /// <summary>
    /// How long the stream keeps media (<c>retention-period</c>), in hours, 0 to <see cref="MaxRetentionHours"/>; used only
    /// when kvssink creates a stream that does not exist. <see langword="null"/> (default): kvssink's 2 hours.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside 0 to <see cref="MaxRetentionHours"/>.</exception>
    public int? RetentionHours
    {
        get => _retentionHours;
        set
        {
            if (value is { } hours && (hours < 0 || hours > MaxRetentionHours))
            {
                throw new ArgumentOutOfRangeException(nameof(RetentionHours), hours, $"Retention is 0 to {MaxRetentionHours} hours (ten years).");
            }
            _retentionHours = value;
        }
    }

    /// <summary>The credentials handler whose properties go into the description; it must be started before <see cref="Build"/>. Exclusive with <see cref="IotCertificate"/>.</summary>
    public KvsCredentialsHandler? Credentials { get; set; }

    /// <summary>The IoT certificate kvssink gets its credentials with (<c>iot-certificate</c>). Exclusive with <see cref="Credentials"/>.</summary>
    public KvsIotCertificate? IotCertificate { get; set; }

    /// <summary>The kvssink element with its properties, ready to follow <see cref="InputCaps"/> in a description. Holds inline secrets: do not log it.</summary>
    /// <exception cref="InvalidOperationException">
    /// Neither or both of <see cref="Credentials"/> and <see cref="IotCertificate"/> are set, or the handler is not started.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The credentials handler was disposed.</exception>
    public string Build()
    {
        if (Credentials is null && IotCertificate is null)
        {
            throw new InvalidOperationException(
                "kvssink needs credentials: set Credentials (a started KvsInlineCredentialsHandler, KvsEnvironmentCredentialsHandler or KvsFileCredentialsHandler) or IotCertificate.");
        }
        if (Credentials is not null && IotCertificate is not null)
        {
            throw new InvalidOperationException(
                $"Both Credentials ({Credentials.GetType().Name}) and IotCertificate are set; kvssink would use only the IoT certificate. Set one of them.");
        }
        return Compose(Credentials?.GetPropertyFragment());
    }

    /// <summary>The description <see cref="Build"/> gives, with secret values masked as <c>***</c>; safe to log. Never throws.</summary>
    public override string ToString()
    {
        var handler = Credentials;
        var fragment = handler switch
        {
            null => null,
            { IsDisposed: true } => $"<{handler.GetType().Name} disposed>",
            { IsStarted: true } => handler.GetMaskedPropertyFragment(),
            _ => $"<{handler.GetType().Name} not started>",
        };
        return Compose(fragment);
    }

    private string Compose(string? credentialsFragment)
    {
        var text = new StringBuilder("kvssink");
        Property(text, "stream-name", StreamName);
        Property(text, "aws-region", Region);
        if (StorageSizeMegabytes is { } megabytes)
        {
            Property(text, "storage-size", megabytes.ToString(CultureInfo.InvariantCulture));
        }
        if (FragmentDuration is { } duration)
        {
            Property(text, "fragment-duration", ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            Property(text, "key-frame-fragmentation", "false");
        }
        if (RetentionHours is { } hours)
        {
            Property(text, "retention-period", hours.ToString(CultureInfo.InvariantCulture));
        }
        if (!string.IsNullOrEmpty(credentialsFragment))
        {
            text.Append(' ').Append(credentialsFragment);
        }
        if (IotCertificate is { } iot)
        {
            Property(text, "iot-certificate", iot.ToStructureString());
        }
        return text.ToString();
    }

    private static void Property(StringBuilder text, string name, string value) =>
        text.Append(' ').Append(name).Append('=').Append(GstSyntax.PropertyValue(value));

    // botocore kinesisvideo StreamName: [a-zA-Z0-9_.-]+, 1 to 256.
    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex StreamNamePattern();
}
