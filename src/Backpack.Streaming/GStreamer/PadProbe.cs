using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// A probe on a pad: a static <c>[UnmanagedCallersOnly]</c> callback (pad, info, user data) that
/// GStreamer calls on the streaming thread for each buffer or event crossing the pad, entering managed
/// code through <see cref="NativeBoundary"/> with the state given here. Disposing removes the probe.
/// </summary>
internal sealed class PadProbe : IDisposable
{
    private readonly GstObjectHandle _pad;
    private readonly nuint _id;
    private int _disposed;

    private PadProbe(GstObjectHandle pad, nuint id)
    {
        _pad = pad;
        _id = id;
    }

    /// <summary>Adds a probe on a static pad of the element.</summary>
    /// <exception cref="ArgumentException">The element has no such pad.</exception>
    internal static unsafe PadProbe Add(
        Element element, string padName, Gst.PadProbeType mask,
        delegate* unmanaged<nint, nint, nint, Gst.PadProbeReturn> callback, object state)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(state);
        var pad = element.GetStaticPad(padName);
        var data = GCHandle.ToIntPtr(GCHandle.Alloc(state));
        using (pad.Lease(out var pointer))
        {
            var id = Gst.PadAddProbe(pointer, mask, callback, data, &NativeBoundary.FreeGCHandle);
            return new PadProbe(pad, id);
        }
    }

    /// <summary>Sends an upstream event from this pad to its peer (such as a force-key-unit request to an encoder).</summary>
    internal bool PushUpstreamEvent(nint gstEvent)
    {
        using (_pad.Lease(out var pointer))
        {
            return Gst.PadPushEvent(pointer, gstEvent);
        }
    }

    /// <summary>Removes the probe and drops the pad. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        using (_pad.Lease(out var pointer))
        {
            Gst.PadRemoveProbe(pointer, _id);
        }
        _pad.Dispose();
    }
}
