using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.Outputs;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Rtsp;

/// <summary>
/// The output that feeds an RTSP mount: each encoded frame becomes a GstSample that the mount hands to every
/// client's media. It needs frames only while a media is prepared (somebody watches).
/// </summary>
internal sealed class RtspMountOutput(string name, ILoggerFactory? loggerFactory) : SkyLineOutput(name, loggerFactory: loggerFactory)
{
    private volatile bool _watched;
    private H264Configuration? _configuration;
    private nint _caps;

    /// <summary>The mount the frames go to; set once, right after construction.</summary>
    internal RtspMount? Mount { get; set; }

    /// <inheritdoc/>
    public override bool NeedsFrames => _watched;

    /// <inheritdoc/>
    protected override string Kind => "rtsp";

    /// <summary>Whether a media wants frames; on a server thread.</summary>
    internal void SetWatched(bool watched)
    {
        _watched = watched;
        OnNeedsFramesChanged();
        if (watched)
        {
            RequestKeyFrame();
        }
    }

    /// <summary>A client started playing: it needs a key frame to start decoding from.</summary>
    internal void AskForKeyFrame() => RequestKeyFrame();

    /// <inheritdoc/>
    protected override void AddExtras(List<KeyValuePair<string, double>> extras)
    {
        if (Mount is { } mount)
        {
            extras.Add(new("clients", mount.ClientCount));
            extras.Add(new("key_frames", mount.KeyFramesPushed));
        }
    }

    /// <inheritdoc/>
    protected override void OnFrame(EncodedFrame frame)
    {
        if (Mount is not { } mount)
        {
            return;
        }
        if (!ReferenceEquals(frame.Configuration, _configuration))
        {
            ReleaseCaps();
            _caps = Gst.CapsFromString(SinkOutput.Caps(frame.Configuration, frame.Configuration.Width, frame.Configuration.Height, frame.Duration));
            _configuration = frame.Configuration;
        }
        var buffer = BufferView.Copy(frame.Data.Span);
        BufferView.SetTimestamps(buffer, frame.PipelineTime, (ulong)frame.Duration.Ticks * 100);
        if (!frame.IsKeyFrame)
        {
            NativeLayout.WriteFlags(buffer, NativeLayout.ReadFlags(buffer) | NativeLayout.BufferFlagDeltaUnit);
        }
        var sample = Gst.SampleNew(buffer, _caps, 0, 0);
        Gst.MiniObjectUnref(buffer);
        try
        {
            mount.Push(sample);
        }
        finally
        {
            Gst.MiniObjectUnref(sample);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        ReleaseCaps();
    }

    private void ReleaseCaps()
    {
        if (_caps != 0)
        {
            Gst.MiniObjectUnref(_caps);
            _caps = 0;
        }
        _configuration = null;
    }
}
