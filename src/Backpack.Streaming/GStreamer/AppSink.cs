using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// An appsink element: where buffers leave a pipeline for the application, pulled on demand or
/// announced through a callback on the streaming thread.
/// </summary>
internal sealed class AppSink : Element
{
    internal AppSink(GstObjectHandle handle)
        : base(handle)
    {
    }

    /// <summary>Pulls the next sample, waiting at most <paramref name="timeout"/>; null on timeout or end of stream.</summary>
    internal Sample? TryPullSample(TimeSpan timeout)
    {
        using (Handle.Lease(out var appsink))
        {
            var sample = GstApp.AppSinkTryPullSample(appsink, ToClockTime(timeout));
            return sample == 0 ? null : new Sample(MiniObjectHandle.TakeOwnership(sample));
        }
    }

    /// <summary>Whether the appsink received end of stream and every sample was pulled.</summary>
    internal bool IsEndOfStream
    {
        get
        {
            using (Handle.Lease(out var appsink))
            {
                return GstApp.AppSinkIsEos(appsink);
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="onNewSample"/> on the streaming thread each time a sample is ready; the
    /// handler pulls it with <see cref="TryPullSample"/> (timeout zero). Replaces an earlier handler.
    /// The handler must be quick: it runs on GStreamer's thread. An exception it throws is caught at the
    /// native boundary (logged once, counted) and the stream goes on.
    /// </summary>
    internal unsafe void OnNewSample(Action<AppSink> onNewSample)
    {
        ArgumentNullException.ThrowIfNull(onNewSample);
        var callbacks = default(GstApp.AppSinkCallbacks);
        callbacks.NewSample = &NewSample;
        var state = GCHandle.ToIntPtr(GCHandle.Alloc(new Registration(this, onNewSample)));
        using (Handle.Lease(out var appsink))
        {
            GstApp.AppSinkSetCallbacks(appsink, &callbacks, state, &NativeBoundary.FreeGCHandle);
        }
    }

    [UnmanagedCallersOnly]
    private static unsafe Gst.FlowReturn NewSample(nint appsink, nint state) =>
        // A failing handler loses one sample; the stream goes on.
        NativeBoundary.Enter<Registration, nint, Gst.FlowReturn>("appsink new-sample", state, appsink, &HandOver, Gst.FlowReturn.Ok);

    private static Gst.FlowReturn HandOver(Registration registration, nint appsink)
    {
        registration.Handler(registration.Sink);
        return Gst.FlowReturn.Ok;
    }

    private sealed record Registration(AppSink Sink, Action<AppSink> Handler);
}
