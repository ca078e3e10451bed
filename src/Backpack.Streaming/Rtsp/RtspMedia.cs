using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.Rtsp;

/// <summary>
/// A media made from a mount's factory: a reference to the GstRTSPMedia, its appsrc, the caps set on it,
/// its phase (which decides the frames it takes), how the SkyLine's times map onto its clock, and how it
/// ends.
/// </summary>
/// <remarks>
/// Not thread safe by itself: the mount calls it under its lock, except <see cref="Release"/> and
/// <see cref="Dispose"/>, which it calls outside (they call into the library, which may call back).
/// </remarks>
internal sealed class RtspMedia : IDisposable
{
    /// <summary>How far a buffer's mapped time may stray from the media's clock before the mapping is made again.</summary>
    private const long ResyncNanoseconds = 500_000_000;

    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Phase _phase = Phase.Preparing;
    private bool _ending;
    private int _kept;
    private long _offset;
    private bool _hasOffset;
    private long _last = -1;
    private nint _media;

    /// <summary>Takes a reference to <paramref name="media"/> (a GstRTSPMedia*) so that the pointer stays valid while this object lives.</summary>
    internal RtspMedia(nint media, AppSrc source)
    {
        _media = GObject.ObjectRef(media);
        Media = media;
        Source = source;
    }

    /// <summary>Where a media is in its life, which decides the frames it takes.</summary>
    private enum Phase
    {
        /// <summary>Made for a client's DESCRIBE: it needs one frame to know its format; it takes the first key frame.</summary>
        Preparing,

        /// <summary>Prepared, waiting for PLAY with its stream blocked: it takes nothing, since frames would pile up and leave in one burst at PLAY (more than a client's queue or socket holds).</summary>
        Prepared,

        /// <summary>Played, or watched again after nobody did: it takes frames again from the next key frame, so that what follows decodes.</summary>
        AwaitingKeyFrame,

        /// <summary>Playing: it takes every frame.</summary>
        Playing,
    }

    /// <summary>The GstRTSPMedia* (valid while this object lives).</summary>
    internal nint Media { get; }

    internal AppSrc Source { get; }

    /// <summary>The caps last set on the appsrc (a reference this object holds), for comparison.</summary>
    internal nint Caps { get; private set; }

    /// <summary>Whether the media is still waiting for the frame that prepares it.</summary>
    internal bool IsPreparing => _phase == Phase.Preparing && !_ending;

    /// <summary>Whether <see cref="End"/> was called.</summary>
    internal bool IsEnding => _ending;

    /// <summary>Completes when the media sent its end to its clients (RTCP BYE: its pipeline reached end of stream), failed, or was released.</summary>
    internal Task Ended => _ended.Task;

    /// <summary>Whether the media takes this frame now; moves to the next phase when it does.</summary>
    internal bool Admits(bool isKeyFrame)
    {
        if (_ending)
        {
            return false;
        }
        switch (_phase)
        {
            case Phase.Preparing when isKeyFrame:
                _phase = Phase.Prepared;
                return true;
            case Phase.AwaitingKeyFrame when isKeyFrame:
                _phase = Phase.Playing;
                return true;
            case Phase.Playing:
                return true;
            default:
                return false;
        }
    }

    /// <summary>A client plays the media; only the first PLAY changes anything (later clients join a flowing stream).</summary>
    internal void Play()
    {
        if (_phase == Phase.Prepared)
        {
            _phase = Phase.AwaitingKeyFrame;
        }
    }

    /// <summary>Somebody watches again after a while without viewers: the next frame it takes is a key frame.</summary>
    internal void Resume()
    {
        if (_phase == Phase.Playing)
        {
            _phase = Phase.AwaitingKeyFrame;
        }
    }

    /// <summary>
    /// The library prepared the media (on a client's thread): count the mount as one more user, so that the
    /// media stays prepared while the stream is mounted. Without it the last client that leaves unprepares
    /// the media while it is still cached by the factory, and a client that asks for the stream at that
    /// moment gets the dying media and is refused (503). Returns false when it was already kept or ends.
    /// </summary>
    internal bool Keep()
    {
        return !_ending && Interlocked.Exchange(ref _kept, 1) == 0;
    }

    /// <summary>
    /// Ends the media once: end of stream after frames (its RTP session then sends RTCP BYE and its pipeline
    /// reaches end of stream, see <see cref="Ended"/>); before its first frame an error, since the library
    /// would otherwise keep its client waiting (up to 20 s) for the frame that prepares it.
    /// </summary>
    internal void End()
    {
        if (_ending)
        {
            return;
        }
        var preparing = _phase == Phase.Preparing;
        _ending = true;
        if (preparing)
        {
            Source.PostError("The stream ended before its first frame.");
            _ended.TrySetResult();
        }
        else
        {
            _ = Source.EndOfStream();
        }
    }

    /// <summary>The media's pipeline reached end of stream, or the media went away: its end was sent.</summary>
    internal void MarkEnded() => _ended.TrySetResult();

    /// <summary>Forgets <see cref="Keep"/> when preparing once more failed (the library took its count back itself).</summary>
    internal void Unkeep() => Volatile.Write(ref _kept, 0);

    /// <summary>Takes back the prepare count <see cref="Keep"/> added, once (outside the mount's lock: the last one unprepares the media, which calls back).</summary>
    internal void Release()
    {
        if (Interlocked.Exchange(ref _kept, 0) != 0)
        {
            // Unpreparing emits "unprepared", whose handler disposes this object and drops its reference: a
            // reference of the call's own keeps the media alive until the library is done with it.
            var media = GObject.ObjectRef(Media);
            try
            {
                _ = GstRtspServer.MediaUnprepare(media);
            }
            finally
            {
                GObject.ObjectUnref(media);
            }
        }
    }

    internal void SetCaps(nint caps)
    {
        var previous = Caps;
        Caps = Gst.MiniObjectRef(caps);
        if (previous != 0)
        {
            Gst.MiniObjectUnref(previous);
        }
    }

    /// <summary>
    /// The media time of a buffer: the SkyLine's time plus an offset fixed by the first buffer (so the
    /// encoder's cadence is kept), made again when it strays from the media's clock by more than half a
    /// second (a restarted SkyLine, or frames again after nobody watched), and always increasing. Without a
    /// clock or a time: none.
    /// </summary>
    internal ulong MapTime(ulong? pts, long? now)
    {
        if (pts is not { } time || now is not { } running)
        {
            return Gst.ClockTimeNone;
        }
        var mapped = (long)time + _offset;
        if (!_hasOffset || Math.Abs(mapped - running) > ResyncNanoseconds)
        {
            _offset = running - (long)time;
            _hasOffset = true;
            mapped = running;
        }
        mapped = Math.Max(Math.Max(mapped, _last + 1), 0);
        _last = mapped;
        return (ulong)mapped;
    }

    /// <summary>Drops the appsrc, the caps and the media reference (once the media was unprepared).</summary>
    public void Dispose()
    {
        _ended.TrySetResult();
        Source.Dispose();
        if (Caps != 0)
        {
            Gst.MiniObjectUnref(Caps);
            Caps = 0;
        }
        var media = Interlocked.Exchange(ref _media, 0);
        if (media != 0)
        {
            GObject.ObjectUnref(media);
        }
    }
}
