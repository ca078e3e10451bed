using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// Callbacks GStreamer calls from native code that every registration shares. Registrations pass
/// a <see cref="GCHandle"/> to their managed state as the C callback's user data and
/// <see cref="FreeGCHandle"/> as its destroy notify, so the state lives exactly as long as GStreamer
/// may call back.
/// </summary>
internal static class NativeCallbacks
{
    /// <summary>GDestroyNotify that frees the GCHandle passed as user data.</summary>
    [UnmanagedCallersOnly]
    internal static void FreeGCHandle(nint state)
    {
        if (state != 0)
        {
            GCHandle.FromIntPtr(state).Free();
        }
    }

    /// <summary>GClosureNotify (data, closure) that frees the GCHandle passed as data.</summary>
    [UnmanagedCallersOnly]
    internal static void FreeGCHandleClosure(nint state, nint closure)
    {
        if (state != 0)
        {
            GCHandle.FromIntPtr(state).Free();
        }
    }

    /// <summary>The managed state of a registration, or null once it was freed.</summary>
    internal static T? Target<T>(nint state)
        where T : class =>
        state == 0 ? null : GCHandle.FromIntPtr(state).Target as T;
}
