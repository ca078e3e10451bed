using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// Owns one reference to a GstObject (element, pipeline, bus, pad, clock) and drops it when
/// released. Calls into GStreamer go through <see cref="Lease"/>, so that a concurrent dispose
/// cannot free the object in the middle of a call.
/// </summary>
internal sealed class GstObjectHandle : SafeHandle
{
    private GstObjectHandle(nint reference)
        : base(0, ownsHandle: true) => SetHandle(reference);

    public override bool IsInvalid => handle == 0;

    /// <summary>Takes over a full reference (transfer full), such as gst_bin_get_by_name returns.</summary>
    internal static GstObjectHandle TakeOwnership(nint reference)
    {
        if (reference == 0)
        {
            throw new ArgumentException("Expected a GstObject, got a null pointer.", nameof(reference));
        }
        return new GstObjectHandle(reference);
    }

    /// <summary>Sinks a floating reference (gst_parse_launch, gst_element_factory_make) and owns it.</summary>
    internal static GstObjectHandle SinkFloating(nint floating) =>
        TakeOwnership(floating == 0 ? 0 : Gst.ObjectRefSink(floating));

    /// <summary>Adds a reference to a borrowed object and owns that reference.</summary>
    internal static GstObjectHandle AddReference(nint borrowed) =>
        TakeOwnership(borrowed == 0 ? 0 : Gst.ObjectRef(borrowed));

    /// <summary>Keeps the object alive for a call: <c>using (handle.Lease(out var pointer)) { ... }</c>.</summary>
    /// <exception cref="ObjectDisposedException">The handle was released.</exception>
    internal HandleLease Lease(out nint pointer) => HandleLease.Take(this, out pointer);

    protected override bool ReleaseHandle()
    {
        Gst.ObjectUnref(handle);
        return true;
    }
}
