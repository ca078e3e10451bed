namespace Backpack.Aws.Kinesis;

/// <summary>
/// The figures of a <see cref="KvsOutput"/>: fragments through their acknowledgements, what is buffered, connections.
/// Counts are since the output was created.
/// </summary>
/// <param name="FramesWritten">Frames taken into fragments.</param>
/// <param name="FramesSkipped">Frames skipped while waiting for a key frame (at a start, after a gap).</param>
/// <param name="FragmentsStarted">Fragments begun (one per Matroska Cluster).</param>
/// <param name="FragmentsSent">Fragments whose sending began, resends included.</param>
/// <param name="FragmentsResent">Fragments sent again on a new connection because the service had not received them.</param>
/// <param name="FragmentsBuffering">BUFFERING acknowledgements.</param>
/// <param name="FragmentsReceived">RECEIVED acknowledgements.</param>
/// <param name="FragmentsPersisted">PERSISTED acknowledgements (none on a stream without retention).</param>
/// <param name="FragmentsDropped">Fragments dropped unacknowledged because the buffer was full.</param>
/// <param name="FragmentsAbandoned">Fragments abandoned unacknowledged at a stop or dispose.</param>
/// <param name="FragmentsSkipped">Fragments the service refused with an error that sending again would not cure.</param>
/// <param name="SkippedByError">Those refusals by the service's error name (such as <c>FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS</c>).</param>
/// <param name="ErrorAcks">ERROR acknowledgements, retried or not.</param>
/// <param name="UnmatchedAcks">Acknowledgements that matched no buffered fragment, or could not be read.</param>
/// <param name="BufferedBytes">Bytes kept now for fragments the service has not received.</param>
/// <param name="BufferedFragments">Fragments kept now.</param>
/// <param name="BytesSent">Bytes written to PutMedia connections, headers and resends included.</param>
/// <param name="SessionsOpened">PutMedia connections that the service accepted (answered 200).</param>
/// <param name="SessionsFailed">Connections that failed: refused, dropped, answered an error, or stalled.</param>
/// <param name="LastPersistLatency">From the last frame of the newest acknowledged fragment to its PERSISTED (RECEIVED without retention), or null.</param>
/// <param name="PersistLatencyP99">The 99th percentile of that latency over the last 256 fragments, or null.</param>
/// <param name="SendLatencyP99">
/// The 99th percentile, over the last 256 frames sent, of the time from the encoder handing a frame out to its last byte
/// written to the connection (through the output's queue and the producer's buffer), or null before any.
/// </param>
/// <param name="LastError">The last failure, without secrets, or null.</param>
public sealed record KvsStatistics(
    long FramesWritten,
    long FramesSkipped,
    long FragmentsStarted,
    long FragmentsSent,
    long FragmentsResent,
    long FragmentsBuffering,
    long FragmentsReceived,
    long FragmentsPersisted,
    long FragmentsDropped,
    long FragmentsAbandoned,
    long FragmentsSkipped,
    IReadOnlyDictionary<string, long> SkippedByError,
    long ErrorAcks,
    long UnmatchedAcks,
    long BufferedBytes,
    int BufferedFragments,
    long BytesSent,
    long SessionsOpened,
    long SessionsFailed,
    TimeSpan? LastPersistLatency,
    TimeSpan? PersistLatencyP99,
    TimeSpan? SendLatencyP99,
    string? LastError);
