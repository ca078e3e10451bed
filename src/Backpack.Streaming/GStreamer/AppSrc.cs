using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>An appsrc element: where the application's buffers enter a pipeline.</summary>
internal sealed class AppSrc : Element
{
    internal AppSrc(GstObjectHandle handle)
        : base(handle)
    {
    }

    /// <summary>
    /// Pushes a buffer, which the call takes whatever the result. Blocks while the appsrc queue is
    /// full when its <c>block</c> property is true. Flushing means the pipeline is stopping.
    /// </summary>
    internal Gst.FlowReturn Push(nint buffer)
    {
        using (Handle.Lease(out var appsrc))
        {
            return GstApp.AppSrcPushBuffer(appsrc, buffer);
        }
    }

    /// <summary>Sets the caps of the buffers pushed from now on, such as <c>video/x-raw,format=I420,width=640,...</c>.</summary>
    /// <exception cref="ArgumentException">The text is not valid caps.</exception>
    internal void SetCaps(string caps)
    {
        var parsed = Gst.CapsFromString(caps);
        if (parsed == 0)
        {
            throw new ArgumentException($"'{caps}' are not valid GStreamer caps.", nameof(caps));
        }
        try
        {
            using (Handle.Lease(out var appsrc))
            {
                GstApp.AppSrcSetCaps(appsrc, parsed);
            }
        }
        finally
        {
            Gst.MiniObjectUnref(parsed);
        }
    }

    /// <summary>Signals that no more buffers follow; the pipeline posts EOS once everything queued went through.</summary>
    internal Gst.FlowReturn EndOfStream()
    {
        using (Handle.Lease(out var appsrc))
        {
            return GstApp.AppSrcEndOfStream(appsrc);
        }
    }
}
