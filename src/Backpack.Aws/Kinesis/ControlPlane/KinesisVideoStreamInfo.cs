namespace Backpack.Aws.Kinesis;

/// <summary>
/// A Kinesis video stream as <c>DescribeStream</c> describes it (<c>StreamInfo</c>, botocore
/// <c>kinesisvideo/2017-09-30/service-2.json</c>).
/// </summary>
/// <param name="StreamName">The stream's name.</param>
/// <param name="StreamArn">The stream's ARN, <c>arn:aws:kinesisvideo:{region}:{account}:stream/{name}/{creation ms}</c>; <see langword="null"/> if the answer had none.</param>
/// <param name="Status">The stream's status.</param>
/// <param name="DataRetentionInHours">
/// How many hours the service keeps the media; 0 (also when the answer had none) means none is kept: the service then never
/// acknowledges a fragment as <c>PERSISTED</c>, <c>RECEIVED</c> is final, and HLS playback is refused.
/// </param>
/// <param name="MediaType">The media type, e.g. <c>video/h264</c>; <see langword="null"/> when the stream has none (streams created in the console).</param>
/// <param name="KmsKeyId">The KMS key that encrypts the stream's data (e.g. the alias ARN of <c>aws/kinesisvideo</c>); <see langword="null"/> if not reported.</param>
/// <param name="DeviceName">The device name given at creation (not used by the service); <see langword="null"/> when none.</param>
/// <param name="Version">The version of the stream's metadata, changed by every update; <see langword="null"/> if not reported.</param>
/// <param name="CreationTime">When the stream was created, to the millisecond; <see langword="null"/> if not reported.</param>
public sealed record KinesisVideoStreamInfo(
    string StreamName,
    string? StreamArn,
    KinesisVideoStreamStatus Status,
    int DataRetentionInHours,
    string? MediaType,
    string? KmsKeyId,
    string? DeviceName,
    string? Version,
    DateTimeOffset? CreationTime)
{
    /// <summary>
    /// True when the stream keeps its media (<see cref="DataRetentionInHours"/> above 0): fragments are acknowledged
    /// <c>PERSISTED</c> and the stream can be watched over HLS. False: <c>RECEIVED</c> is the last acknowledgement.
    /// </summary>
    public bool PersistsMedia => DataRetentionInHours > 0;
}
