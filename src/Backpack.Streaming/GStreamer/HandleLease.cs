using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer;

/// <summary>A reference on a SafeHandle held for the duration of a native call.</summary>
internal readonly ref struct HandleLease
{
    private readonly SafeHandle? _handle;

    private HandleLease(SafeHandle handle) => _handle = handle;

    internal static HandleLease Take(SafeHandle handle, out nint pointer)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        pointer = handle.DangerousGetHandle();
        return new HandleLease(handle);
    }

    public void Dispose() => _handle?.DangerousRelease();
}
