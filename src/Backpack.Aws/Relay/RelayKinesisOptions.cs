namespace Backpack.Aws.Relay;

/// <summary>
/// The configuration's <c>kinesis</c> section: when present, every camera streams to the Kinesis video stream named
/// after it, through a KvsSkyLine of its own.
/// </summary>
/// <remarks>A plain options class for configuration binding; not thread-safe while it is being changed.</remarks>
public sealed class RelayKinesisOptions
{
    /// <summary>The AWS region, such as <c>eu-west-1</c>; null: AWS_REGION, AWS_DEFAULT_REGION or the profile's.</summary>
    public string? Region { get; set; }

    /// <summary>An endpoint that replaces the public control-plane endpoint (a VPC endpoint, a local test endpoint); null for AWS's.</summary>
    public string? EndpointUrl { get; set; }

    /// <summary>Whether a missing stream is created (needs <c>kinesisvideo:CreateStream</c>); default false.</summary>
    public bool CreateStreams { get; set; }

    /// <summary>Retention of the streams the relay creates, in hours (0 to 87600); default 24.</summary>
    public int RetentionHours { get; set; } = 24;

    /// <summary>Seconds between key frames, so the length of a Kinesis fragment: 1 to 10; default 2.</summary>
    public int FragmentSeconds { get; set; } = 2;
}
