using Backpack.Streaming.Outputs;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Kinesis.Producer;

/// <summary>
/// The managed PutMedia producer of one Kinesis video stream: cuts the encoded frames into fragments (one Matroska
/// Cluster per key frame at least <see cref="KvsOutputOptions.FragmentDuration"/> after the last), keeps every fragment
/// until the service received it, and sends them over one PutMedia connection at a time, opened, rotated and
/// reconnected by a supervisor task (<see cref="KinesisVideoProducer"/>.Supervisor.cs).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Write"/> is called by one thread (the output's) and never blocks on the network: it appends to the
/// current fragment under a short lock and wakes the sender. The sender copies what it sends out under the same lock,
/// so a fragment can be released (acknowledged, dropped) at any time without a reader in its bytes.
/// </para>
/// <para>
/// Timecodes are the frames' wall-clock times in Unix milliseconds (SkyLine derives them from its monotonic clock
/// anchored once, so an NTP step never moves them back); each is kept above the last, since the service refuses a
/// fragment that starts before the previous one ended (4004).
/// </para>
/// </remarks>
internal sealed partial class KinesisVideoProducer : IAsyncDisposable
{
    /// <summary>A relative block timecode must fit 16 bits: a fragment that reaches this must end at once.</summary>
    private const long MaxRelativeTimecode = short.MaxValue;

    private readonly Lock _gate = new();
    private readonly List<Fragment> _fragments = [];
    private readonly KvsOutputOptions _options;
    private readonly KinesisVideoClient _client;
    private readonly KinesisVideoStreamResolver _resolver;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    /// <summary>The sending thread's wake-up: a flag and a monitor, which wait without spinning or registering a token each time.</summary>
    private readonly object _senderSignal = new();
    private bool _senderWoken;
    private readonly ProducerCounters _counters = new();
    private readonly long _fragmentMilliseconds;
    private readonly long _keyFrameRequestMilliseconds;
    private readonly byte[] _blockHeader = new byte[MatroskaWriter.SimpleBlockHeaderLength];
    private readonly byte[] _clusterHeader = new byte[MatroskaWriter.ClusterStartLength];
    private readonly SendMark[] _marks = new SendMark[1024];
    private int _markHead;
    private int _markCount;
    private Fragment? _current;
    private Fragment? _sending;
    private long _lastTimecode = long.MinValue;
    private long _bufferedBytes;
    private int _flushes;
    private bool _awaitingKeyFrame = true;

    /// <summary>Prepares the producer; <see cref="Start"/> begins connecting once there is something to send.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="client">The control-plane client (and the credentials PutMedia is signed with).</param>
    /// <param name="resolver">The stream's resolver (DescribeStream, CreateStream, GetDataEndpoint, cached).</param>
    /// <param name="loggerFactory">Where logs go.</param>
    internal KinesisVideoProducer(KvsOutputOptions options, KinesisVideoClient client, KinesisVideoStreamResolver resolver, ILoggerFactory loggerFactory)
    {
        _options = options;
        _client = client;
        _resolver = resolver;
        _clock = options.TimeProvider;
        _logger = loggerFactory.CreateLogger<KinesisVideoProducer>();
        // A key frame the encoder was asked for at the fragment duration lands within a frame of it.
        var keyFrameTolerance = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(100).Ticks, options.FragmentDuration.Ticks / 10));
        _fragmentMilliseconds = (long)(options.FragmentDuration - keyFrameTolerance).TotalMilliseconds;
        // Key frames stopped coming (an encoder that ignores the spacing): ask well before the service's 10 s limit.
        _keyFrameRequestMilliseconds = (long)(KvsOutputOptions.MaxFragmentDuration - (options.FragmentDuration / 2)).TotalMilliseconds;
        _supervisor = Task.CompletedTask;
    }

    /// <summary>The stream's name.</summary>
    internal string StreamName => _options.StreamName;

    /// <summary>Raised (on the supervisor's task) when sending fails: a reason for the output's statistics, without secrets.</summary>
    internal event Action<string>? Failed;

    /// <summary>Raised when a connection works again after a failure.</summary>
    internal event Action? Recovered;

    /// <summary>
    /// Takes one encoded frame (AVCC) into the current fragment, starting a new fragment at a key frame once the
    /// current one is long enough. Frames before the first key frame are skipped.
    /// </summary>
    /// <returns>True when the producer needs a key frame (no fragment to add to, or the current one nears the 10 s limit).</returns>
    /// <param name="avcc">The access unit, AVCC.</param>
    /// <param name="isKeyFrame">Whether it is a key frame.</param>
    /// <param name="wallClockTime">When it was put, on the wall clock: its timecode.</param>
    /// <param name="configuration">Its codec configuration.</param>
    /// <param name="encodedAt">When the encoder handed it out (<see cref="System.Diagnostics.Stopwatch"/> timestamp), for the send latency; 0 for none.</param>
    internal bool Write(ReadOnlySpan<byte> avcc, bool isKeyFrame, DateTimeOffset wallClockTime, H264Configuration configuration, long encodedAt = 0)
    {
        var timecode = wallClockTime.ToUnixTimeMilliseconds();
        var now = _clock.GetTimestamp();
        var wantsKeyFrame = false;
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }
            if (timecode <= _lastTimecode)
            {
                timecode = _lastTimecode + 1;
            }
            var current = _current;
            if (isKeyFrame && (current is null || _awaitingKeyFrame || !ReferenceEquals(current.Configuration, configuration) ||
                timecode - current.Timecode >= _fragmentMilliseconds))
            {
                current = StartFragmentLocked(timecode, configuration, now);
            }
            else if (current is null || _awaitingKeyFrame)
            {
                _counters.FramesSkipped++;
                return true;
            }
            else if (timecode - current.Timecode > MaxRelativeTimecode)
            {
                // Only reachable when key frames stopped coming: the fragment cannot hold this frame.
                current.IsComplete = true;
                _awaitingKeyFrame = true;
                _counters.FramesSkipped++;
                return true;
            }
            if (timecode - current.Timecode >= _keyFrameRequestMilliseconds)
            {
                wantsKeyFrame = true;
            }
            MatroskaWriter.WriteSimpleBlockHeader(_blockHeader, avcc.Length, (short)(timecode - current.Timecode), isKeyFrame);
            current.Append(_blockHeader);
            current.Append(avcc);
            var added = MatroskaWriter.SimpleBlockHeaderLength + avcc.Length;
            current.Frames++;
            current.LastFrameTimecode = timecode;
            current.LastFrameAt = now;
            _lastTimecode = timecode;
            _bufferedBytes += added;
            _counters.FramesWritten++;
            if (encodedAt != 0)
            {
                MarkLocked(current, current.Length, encodedAt);
            }
            TrimToLimitLocked();
            WakeSenderLocked();
        }
        return wantsKeyFrame;
    }

    /// <summary>The stream ended (stopped, failed, restarted): the current fragment is complete; the next starts at a key frame.</summary>
    internal void EndFragment()
    {
        lock (_gate)
        {
            if (_current is { } current)
            {
                current.IsComplete = true;
                _current = null;
            }
            _awaitingKeyFrame = true;
            WakeSenderLocked();
        }
    }

    /// <summary>
    /// Ends the current fragment, sends everything with the end-of-fragment tag, and waits until the service
    /// acknowledged all of it (PERSISTED, or RECEIVED without retention) or <paramref name="timeout"/> passed; then what
    /// is still unacknowledged is abandoned (logged, counted) and the connection closed.
    /// </summary>
    /// <returns>True when everything was acknowledged in time.</returns>
    internal async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        EndFragment();
        lock (_gate)
        {
            _flushes++;
            WakeSenderLocked();
        }
        var deadline = _clock.GetTimestamp();
        var settled = false;
        try
        {
            while (true)
            {
                lock (_gate)
                {
                    settled = _fragments.TrueForAll(IsAcknowledgedLocked);
                }
                if (settled || _clock.GetElapsedTime(deadline) >= timeout || cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(20), _clock, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            lock (_gate)
            {
                _flushes--;
                if (!settled)
                {
                    AbandonLocked();
                }
            }
        }
        if (!settled)
        {
            AbortSession();
        }
        return settled;
    }

    /// <summary>The figures now.</summary>
    internal KvsStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                var fragments = 0;
                foreach (var fragment in _fragments)
                {
                    if (!fragment.IsReleased)
                    {
                        fragments++;
                    }
                }
                return _counters.Snapshot(_bufferedBytes, fragments, _lastError);
            }
        }
    }

    private bool PersistsLocked => _target?.Stream.PersistsMedia ?? true;

    private Fragment StartFragmentLocked(long timecode, H264Configuration configuration, long now)
    {
        if (_current is { } previous)
        {
            previous.IsComplete = true;
        }
        var fragment = new Fragment(timecode, configuration, now);
        MatroskaWriter.WriteClusterStart(_clusterHeader, timecode);
        fragment.Append(_clusterHeader);
        _bufferedBytes += _clusterHeader.Length;
        _fragments.Add(fragment);
        _current = fragment;
        _awaitingKeyFrame = false;
        _counters.FragmentsStarted++;
        return fragment;
    }

    /// <summary>Drops the oldest unacknowledged fragments while over the byte limit, never the one being written or sent.</summary>
    private void TrimToLimitLocked()
    {
        for (var i = 0; i < _fragments.Count && _bufferedBytes > _options.MaxBufferedBytes; i++)
        {
            var fragment = _fragments[i];
            if (fragment.IsReleased || ReferenceEquals(fragment, _current) || ReferenceEquals(fragment, _sending))
            {
                continue;
            }
            fragment.Progress = FragmentProgress.Dropped;
            _bufferedBytes -= fragment.Release();
            _counters.FragmentsDropped++;
            LogFragmentDropped(_logger, _options.StreamName, fragment.Timecode, _options.MaxBufferedBytes);
        }
        ForgetSettledLocked();
    }

    /// <summary>Forgets fragments at the front that nothing will happen to any more.</summary>
    private void ForgetSettledLocked()
    {
        var persists = PersistsLocked;
        var count = 0;
        while (count < _fragments.Count)
        {
            var fragment = _fragments[count];
            var final = fragment.Progress is FragmentProgress.Persisted or FragmentProgress.Skipped or FragmentProgress.Dropped ||
                (fragment.Progress == FragmentProgress.Received && !persists);
            // A received fragment waits for PERSISTED (for the latency figure) unless many came after it.
            if (!final && !(fragment.Progress == FragmentProgress.Received && _fragments.Count - count > 64))
            {
                break;
            }
            count++;
        }
        if (count > 0)
        {
            _fragments.RemoveRange(0, count);
        }
    }

    /// <summary>Marks every unacknowledged fragment abandoned (a stop that could not wait longer).</summary>
    private void AbandonLocked()
    {
        var abandoned = 0;
        foreach (var fragment in _fragments)
        {
            if (fragment.IsSettled || fragment.Progress == FragmentProgress.Received)
            {
                continue;
            }
            fragment.Progress = FragmentProgress.Dropped;
            _bufferedBytes -= fragment.Release();
            abandoned++;
        }
        if (abandoned > 0)
        {
            _counters.FragmentsAbandoned += abandoned;
            LogAbandoned(_logger, _options.StreamName, abandoned);
        }
        ForgetSettledLocked();
    }

    /// <summary>Remembers where a frame ends in its fragment, to time it when the sender writes that far.</summary>
    private void MarkLocked(Fragment fragment, int endOffset, long encodedAt)
    {
        if (_markCount == _marks.Length)
        {
            // Nothing was written for a while (an outage): the oldest sample is given up.
            _markHead = (_markHead + 1) % _marks.Length;
            _markCount--;
        }
        _marks[(_markHead + _markCount) % _marks.Length] = new SendMark(fragment, endOffset, encodedAt);
        _markCount++;
    }

    /// <summary>The sender wrote <paramref name="fragment"/> up to <paramref name="offset"/>: the frames that ended there went out now.</summary>
    private void WrittenLocked(Fragment fragment, int offset)
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        while (_markCount > 0)
        {
            var mark = _marks[_markHead];
            if (ReferenceEquals(mark.Fragment, fragment))
            {
                if (mark.EndOffset > offset)
                {
                    break;
                }
                _counters.SendLatency(System.Diagnostics.Stopwatch.GetElapsedTime(mark.EncodedAt, now));
            }
            else if (!mark.Fragment.IsReleased && mark.Fragment.SentAt == 0)
            {
                // An earlier fragment still to be sent (a resend comes first): its frames are timed when it goes.
                break;
            }
            _marks[_markHead] = default;
            _markHead = (_markHead + 1) % _marks.Length;
            _markCount--;
        }
    }

    /// <summary>Wakes the supervisor (between sessions) and the sending thread (in a session): there is something new to look at.</summary>
    private void WakeSenderLocked()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
        lock (_senderSignal)
        {
            _senderWoken = true;
            Monitor.Pulse(_senderSignal);
        }
    }

    /// <summary>
    /// The sending thread waits for <see cref="WakeSenderLocked"/> or <paramref name="timeout"/>; a wake that came while
    /// it was busy returns at once. A session's end (a stop, the watchdog) wakes it through <see cref="WakeSenderLocked"/>.
    /// </summary>
    private void WaitForSenderWake(TimeSpan timeout)
    {
        lock (_senderSignal)
        {
            if (!_senderWoken)
            {
                Monitor.Wait(_senderSignal, timeout);
            }
            _senderWoken = false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis stream {Stream}: fragment {Timecode} dropped unacknowledged, the buffer is full ({Limit} bytes); the service was not reachable for a while")]
    private static partial void LogFragmentDropped(ILogger logger, string stream, long timecode, long limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis stream {Stream}: {Count} fragments abandoned unacknowledged at a stop")]
    private static partial void LogAbandoned(ILogger logger, string stream, int count);

    /// <summary>Where a frame ends in its fragment, and when it was encoded.</summary>
    private readonly record struct SendMark(Fragment Fragment, int EndOffset, long EncodedAt);
}
