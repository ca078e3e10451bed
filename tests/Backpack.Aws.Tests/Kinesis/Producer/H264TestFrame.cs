namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>One encoded access unit of <see cref="H264TestClip"/>: AVCC bytes, its key flag and its timestamp in ms from the clip's start.</summary>
internal sealed record H264TestFrame(long TimestampMs, bool Key, byte[] Data);
