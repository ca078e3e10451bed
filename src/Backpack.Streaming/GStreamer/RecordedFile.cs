using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>Reads back what a recording holds, through GStreamer's demuxers (no decoding).</summary>
internal static class RecordedFile
{
    /// <summary>The number of video frames (access units) in a Matroska or MP4 file.</summary>
    /// <exception cref="GStreamerException">The file cannot be read or demuxed.</exception>
    internal static int CountVideoFrames(string path, TimeSpan timeout)
    {
        var demuxer = Path.GetExtension(path).ToUpperInvariant() is ".MP4" or ".M4V" or ".MOV" ? "qtdemux" : "matroskademux";
        var location = path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        using var pipeline = Pipeline.Parse($"filesrc location=\"{location}\" ! {demuxer} ! video/x-h264 ! appsink name=frames sync=false");
        using var sink = pipeline.GetAppSink("frames");
        if (pipeline.SetState(Gst.State.Playing) == Gst.StateChangeReturn.Failure)
        {
            throw new GStreamerException($"{path} cannot be read: {pipeline.TryPopError()?.Text ?? "no reason given"}");
        }
        var count = 0;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var sample = sink.TryPullSample(TimeSpan.FromMilliseconds(200));
            if (sample is not null)
            {
                count++;
            }
            else if (sink.IsEndOfStream)
            {
                return count;
            }
            else if (pipeline.TryPopError() is { } error)
            {
                throw new GStreamerException($"{path} cannot be read: {error.Text}");
            }
        }
        throw new GStreamerException($"Reading {path} took longer than {timeout.TotalSeconds} s.");
    }
}
