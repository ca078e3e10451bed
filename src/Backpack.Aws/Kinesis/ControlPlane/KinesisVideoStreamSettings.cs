namespace Backpack.Aws.Kinesis;

/// <summary>
/// The settings of a stream that <see cref="KinesisVideoClient.CreateStreamAsync"/> creates. Only used when a stream is
/// created: an existing stream keeps its own.
/// </summary>
/// <remarks>
/// <example>
/// <code>
/// var settings = new KinesisVideoStreamSettings { DataRetentionInHours = 24, Tags = new Dictionary&lt;string, string&gt; { ["site"] = "dock-3" } };
/// await client.CreateStreamAsync("dock-3-camera-1", settings);
/// </code>
/// </example>
/// </remarks>
public sealed class KinesisVideoStreamSettings
{
    /// <summary>
    /// How many hours the service keeps the media, at least 0. Default 2, as kvssink's <c>retention-period</c>. 0 keeps
    /// nothing: the stream cannot be watched over HLS (the console's player included) and fragments are never
    /// acknowledged <c>PERSISTED</c>.
    /// </summary>
    public int DataRetentionInHours { get; init; } = 2;

    /// <summary>
    /// The KMS key (id, ARN, alias or alias ARN, 1 to 2048 characters) that encrypts the stream's data.
    /// <see langword="null"/> (default): the service's own key <c>aws/kinesisvideo</c>.
    /// </summary>
    public string? KmsKeyId { get; init; }

    /// <summary>
    /// Tags of the stream: at most 50; keys of 1 to 128 and values of at most 256 letters, digits, spaces and
    /// <c>_ . : / = + - @</c>. <see langword="null"/> (default): none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>The media type, <c>type/subtype</c> (several separated by commas). Default <c>video/h264</c>, what Backpack streams.</summary>
    public string MediaType { get; init; } = "video/h264";
}
