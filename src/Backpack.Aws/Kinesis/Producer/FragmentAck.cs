namespace Backpack.Aws.Kinesis.Producer;

/// <summary>One acknowledgement line of a PutMedia response.</summary>
/// <param name="Type">The EventType.</param>
/// <param name="FragmentTimecode">The fragment's Cluster timecode as sent, in ms; null when the ACK has none (IDLE, some ERRORs).</param>
/// <param name="FragmentNumber">The service's fragment number (a 47-digit string); null when absent.</param>
/// <param name="ErrorId">The ErrorId of an ERROR (see <see cref="KinesisVideoAckErrors"/>); null when absent.</param>
/// <param name="ErrorCode">The ErrorCode name the service sent with it; null when absent.</param>
internal readonly record struct FragmentAck(FragmentAckType Type, long? FragmentTimecode, string? FragmentNumber, int? ErrorId, string? ErrorCode);
