using System.Runtime.InteropServices;

namespace Backpack.Streaming.GStreamer.Native;

/// <summary>Emitting signals (action signals such as webrtcbin's create-offer) through g_signal_emitv, which is not variadic.</summary>
internal static partial class GObject
{
    /// <summary>G_TYPE_NONE.</summary>
    internal const nuint TypeNone = 1 << 2;

    /// <summary>G_TYPE_BOOLEAN.</summary>
    internal const nuint TypeBoolean = 5 << 2;

    /// <summary>G_TYPE_UINT.</summary>
    internal const nuint TypeUInt = 7 << 2;

    /// <summary>The id of a signal of a type (or of one of its ancestors); 0 when there is none.</summary>
    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_signal_lookup", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint SignalLookup(string name, nuint type);

    /// <summary>Emits a signal: <paramref name="instanceAndParameters"/> is a GValue array, the instance first; the return value is initialised by the caller to the signal's return type (or 0 for none).</summary>
    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_signal_emitv")]
    internal static unsafe partial void SignalEmitv(Value* instanceAndParameters, uint signalId, uint detail, Value* returnValue);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_set_object")]
    internal static unsafe partial void ValueSetObject(Value* value, nint gObject);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_set_boxed")]
    internal static unsafe partial void ValueSetBoxed(Value* value, nint boxed);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_set_uint")]
    internal static unsafe partial void ValueSetUInt(Value* value, uint number);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_set_string", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial void ValueSetString(Value* value, string? text);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_get_boolean")]
    [return: MarshalAs(UnmanagedType.I4)]
    internal static unsafe partial bool ValueGetBoolean(Value* value);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_init")]
    internal static unsafe partial nint ValueInitAt(Value* value, nuint type);

    [LibraryImport(NativeLibraries.GObject, EntryPoint = "g_value_unset")]
    internal static unsafe partial void ValueUnsetAt(Value* value);

    /// <summary>The GType of an instance (G_TYPE_FROM_INSTANCE: the first word of its class).</summary>
    internal static nuint TypeOf(nint instance) => (nuint)Marshal.ReadIntPtr(NativeLayout.ReadClass(instance));
}
