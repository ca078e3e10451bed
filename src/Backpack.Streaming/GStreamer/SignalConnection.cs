using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// A GObject signal handler: a C callback (a static <c>[UnmanagedCallersOnly]</c> method whose
/// parameters match the signal, user data last, and whose body is one call to
/// <see cref="NativeBoundary"/>) and managed state the guard finds through the user data.
/// Disposing disconnects; the state is freed once GObject lets go of it. g_signal_connect_data is
/// not variadic, so it is bound directly.
/// </summary>
/// <example>
/// <code>
/// [UnmanagedCallersOnly]
/// static nint FormatLocation(nint splitmux, uint fragment, nint state) =>
///     NativeBoundary.Enter&lt;Namer, uint, nint&gt;("format-location", state, fragment, &amp;Name, 0);
///
/// static nint Name(Namer namer, uint fragment) => GLib.StrDup(namer.Name(fragment));
///
/// using var connection = SignalConnection.Connect(splitmux, "format-location",
///     (nint)(delegate* unmanaged&lt;nint, uint, nint, nint&gt;)&amp;FormatLocation, namer);
/// </code>
/// </example>
internal sealed class SignalConnection : IDisposable
{
    private readonly GstObjectHandle _instance;
    private readonly nuint _id;
    private int _disposed;

    private SignalConnection(GstObjectHandle instance, nuint id)
    {
        _instance = instance;
        _id = id;
    }

    /// <summary>Connects <paramref name="callback"/> (a function pointer) to a signal of the element.</summary>
    /// <exception cref="ArgumentException">The element has no such signal.</exception>
    internal static unsafe SignalConnection Connect(Element element, string signal, nint callback, object state)
    {
        ArgumentNullException.ThrowIfNull(element);
        ArgumentNullException.ThrowIfNull(state);
        var instance = GstObjectHandle.AddReference(element.Handle.DangerousGetHandle());
        var data = GCHandle.ToIntPtr(GCHandle.Alloc(state));
        nuint id;
        using (instance.Lease(out var pointer))
        {
            id = GObject.SignalConnectData(pointer, signal, callback, data, &NativeBoundary.FreeGCHandleClosure, 0);
        }
        if (id == 0)
        {
            GCHandle.FromIntPtr(data).Free();
            instance.Dispose();
            throw new ArgumentException($"Element {element.Name} has no signal '{signal}'.", nameof(signal));
        }
        return new SignalConnection(instance, id);
    }

    /// <summary>Disconnects the handler and drops the reference to the element. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        using (_instance.Lease(out var pointer))
        {
            if (GObject.SignalHandlerIsConnected(pointer, _id))
            {
                GObject.SignalHandlerDisconnect(pointer, _id);
            }
        }
        _instance.Dispose();
    }
}
