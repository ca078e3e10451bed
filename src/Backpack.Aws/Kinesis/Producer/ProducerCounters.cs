namespace Backpack.Aws.Kinesis.Producer;

/// <summary>The producer's counts, changed under its lock only.</summary>
internal sealed class ProducerCounters
{
    private const int LatencyWindow = 256;

    private readonly long[] _latencies = new long[LatencyWindow];
    private readonly long[] _sendLatencies = new long[LatencyWindow];
    private int _sendCount;
    private int _sendNext;
    private readonly Dictionary<string, long> _skippedByError = new(StringComparer.Ordinal);
    private int _latencyCount;
    private int _latencyNext;

    internal long FramesWritten;
    internal long FramesSkipped;
    internal long FragmentsStarted;
    internal long FragmentsSent;
    internal long FragmentsResent;
    internal long Buffering;
    internal long Received;
    internal long Persisted;
    internal long FragmentsDropped;
    internal long FragmentsAbandoned;
    internal long FragmentsSkipped;
    internal long ErrorAcks;
    internal long UnmatchedAcks;
    internal long BytesSent;
    internal long SessionsOpened;
    internal long SessionsFailed;
    internal TimeSpan? LastLatency;

    internal void Skipped(string errorName)
    {
        FragmentsSkipped++;
        _skippedByError[errorName] = _skippedByError.GetValueOrDefault(errorName) + 1;
    }

    internal void Latency(TimeSpan latency)
    {
        LastLatency = latency;
        _latencies[_latencyNext] = latency.Ticks;
        _latencyNext = (_latencyNext + 1) % LatencyWindow;
        _latencyCount = Math.Min(_latencyCount + 1, LatencyWindow);
    }

    internal void SendLatency(TimeSpan latency)
    {
        _sendLatencies[_sendNext] = latency.Ticks;
        _sendNext = (_sendNext + 1) % LatencyWindow;
        _sendCount = Math.Min(_sendCount + 1, LatencyWindow);
    }

    private static TimeSpan? Percentile99(long[] window, int count)
    {
        if (count == 0)
        {
            return null;
        }
        var sorted = window[..count];
        Array.Sort(sorted);
        return TimeSpan.FromTicks(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.99) - 1)]);
    }

    internal KvsStatistics Snapshot(long bufferedBytes, int bufferedFragments, string? lastError)
    {
        var p99 = Percentile99(_latencies, _latencyCount);
        return new KvsStatistics(
            FramesWritten, FramesSkipped, FragmentsStarted, FragmentsSent, FragmentsResent, Buffering, Received, Persisted,
            FragmentsDropped, FragmentsAbandoned, FragmentsSkipped, new Dictionary<string, long>(_skippedByError, StringComparer.Ordinal),
            ErrorAcks, UnmatchedAcks, bufferedBytes, bufferedFragments, BytesSent, SessionsOpened, SessionsFailed, LastLatency, p99,
            Percentile99(_sendLatencies, _sendCount), lastError);
    }
}
