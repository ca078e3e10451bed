using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>Owns one reference to a GstMiniObject (caps, sample, buffer, message, event).</summary>
internal sealed class MiniObjectHandle : SafeHandle
{
    private MiniObjectHandle(nint reference)
        : base(0, ownsHandle: true) => SetHandle(reference);

    public override bool IsInvalid => handle == 0;

    /// <summary>Takes over a full reference.</summary>
    internal static MiniObjectHandle TakeOwnership(nint reference)
    {
        if (reference == 0)
        {
            throw new ArgumentException("Expected a GstMiniObject, got a null pointer.", nameof(reference));
        }
        return new MiniObjectHandle(reference);
    }

    /// <summary>Adds a reference to a borrowed mini object and owns that reference.</summary>
    internal static MiniObjectHandle AddReference(nint borrowed) =>
        TakeOwnership(borrowed == 0 ? 0 : Gst.MiniObjectRef(borrowed));

    /// <summary>Keeps the object alive for a call.</summary>
    internal HandleLease Lease(out nint pointer) => HandleLease.Take(this, out pointer);

    /// <summary>Gives the reference away (to a transfer-full call) and leaves this handle invalid.</summary>
    internal nint Release()
    {
        var pointer = handle;
        SetHandleAsInvalid();
        return pointer;
    }

    protected override bool ReleaseHandle()
    {
        Gst.MiniObjectUnref(handle);
        return true;
    }
}
