using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>Functions of libgobject-2.0: properties through GValue and signals.</summary>
internal static partial class GObject
{
    /// <summary>A GValue: its GType and two 64-bit data words (24 bytes on 64-bit platforms).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Value
    {
        internal nuint Type;
        internal ulong Data0;
        internal ulong Data1;
    }

    /// <summary>The object a GValue holds (borrowed).</summary>
    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_get_object")]
    internal static partial nint ValueGetObject(ref Value value);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_object_class_find_property", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint ClassFindProperty(nint objectClass, string name);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_object_get_property", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void GetProperty(nint gObject, string name, ref Value value);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_object_set_property", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void SetProperty(nint gObject, string name, ref Value value);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_init")]
    internal static partial nint ValueInit(ref Value value, nuint type);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_unset")]
    internal static partial void ValueUnset(ref Value value);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_type_check_instance_is_a")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool TypeCheckInstanceIsA(nint instance, nuint type);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_get_string")]
    internal static partial nint ValueGetString(ref Value value);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_get_boxed")]
    internal static partial nint ValueGetBoxed(ref Value value);

    /// <summary>G_TYPE_STRING: fundamental type number 16, shifted by G_TYPE_FUNDAMENTAL_SHIFT (2).</summary>
    internal const nuint TypeString = 16 << 2;

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_type_name")]
    internal static partial nint TypeName(nuint type);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_type_fundamental")]
    internal static partial nuint TypeFundamental(nuint type);

    /// <summary>Connects a C callback to a signal; <paramref name="destroyData"/> runs with the data when the handler goes.</summary>
    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_signal_connect_data", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial nuint SignalConnectData(
        nint instance, string detailedSignal, nint handler, nint data, delegate* unmanaged<nint, nint, void> destroyData, int connectFlags);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_signal_handler_disconnect")]
    internal static partial void SignalHandlerDisconnect(nint instance, nuint handlerId);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_signal_handler_is_connected")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static partial bool SignalHandlerIsConnected(nint instance, nuint handlerId);
}
