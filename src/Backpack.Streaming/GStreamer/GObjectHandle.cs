using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// Owns one reference to a plain GObject that is not a GstObject (the RTSP server, its mount points,
/// media factories, authentication) and drops it with g_object_unref when released. Calls go through
/// <see cref="Lease"/>, as with <see cref="GstObjectHandle"/>.
/// </summary>
internal sealed class GObjectHandle : SafeHandle
{
    private GObjectHandle(nint reference)
        : base(0, ownsHandle: true) => SetHandle(reference);

    public override bool IsInvalid => handle == 0;

    /// <summary>Takes over a full reference (a constructor's or a transfer-full getter's result).</summary>
    /// <exception cref="ArgumentException">The pointer is null.</exception>
    internal static GObjectHandle TakeOwnership(nint reference) =>
        reference == 0
            ? throw new ArgumentException("Expected a GObject, got a null pointer.", nameof(reference))
            : new GObjectHandle(reference);

    /// <summary>Adds a reference to a borrowed object (a signal argument) and owns that reference.</summary>
    internal static GObjectHandle AddReference(nint borrowed) =>
        TakeOwnership(borrowed == 0 ? 0 : GObject.ObjectRef(borrowed));

    /// <summary>Keeps the object alive for a call: <c>using (handle.Lease(out var pointer)) { ... }</c>.</summary>
    /// <exception cref="ObjectDisposedException">The handle was released.</exception>
    internal HandleLease Lease(out nint pointer) => HandleLease.Take(this, out pointer);

    protected override bool ReleaseHandle()
    {
        GObject.ObjectUnref(handle);
        return true;
    }
}
