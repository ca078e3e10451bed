using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// Field offsets of GStreamer structures that the C API reads and writes through macros
/// (GST_MESSAGE_TYPE, GST_BUFFER_PTS, GST_BUFFER_FLAGS, G_OBJECT_GET_CLASS) rather than functions.
/// Computed for the pointer size of the process, as the C compiler lays them out; the tests check
/// them against values GStreamer itself produced.
/// </summary>
internal static class NativeLayout
{
    private static readonly int Pointer = IntPtr.Size;

    /// <summary>
    /// sizeof(GstMiniObject): GType type; gint refcount; gint lockstate; guint flags; three function
    /// pointers; guint priv_uint; gpointer priv_pointer.
    /// </summary>
    internal static readonly int MiniObjectSize = Pointer == 8 ? 64 : 36;

    /// <summary>GstMiniObject.flags.</summary>
    internal static readonly int MiniObjectFlags = Pointer + 8;

    /// <summary>GstMessage.type, right after the mini object.</summary>
    internal static readonly int MessageType = MiniObjectSize;

    /// <summary>GstMessage.src: after the type and the 64-bit timestamp.</summary>
    internal static readonly int MessageSource = AlignTo8(MiniObjectSize + 4) + 8;

    /// <summary>GstBuffer.pts: after the mini object and the pool pointer.</summary>
    internal static readonly int BufferPts = AlignTo8(MiniObjectSize + Pointer);

    /// <summary>GstBuffer.dts.</summary>
    internal static readonly int BufferDts = BufferPts + 8;

    /// <summary>GstBuffer.duration.</summary>
    internal static readonly int BufferDuration = BufferPts + 16;

    /// <summary>GParamSpec.value_type: after g_type_instance, name and flags (padded to a pointer).</summary>
    internal static readonly int ParamSpecValueType = 3 * Pointer;

    /// <summary>GST_BUFFER_FLAG_DELTA_UNIT: the buffer cannot be decoded on its own (not a key frame).</summary>
    internal const uint BufferFlagDeltaUnit = 1 << 13;

    /// <summary>GST_BUFFER_FLAG_DISCONT.</summary>
    internal const uint BufferFlagDiscont = 1 << 6;

    internal static Gst.MessageType ReadMessageType(nint message) =>
        (Gst.MessageType)(uint)Marshal.ReadInt32(message, MessageType);

    internal static nint ReadMessageSource(nint message) => Marshal.ReadIntPtr(message, MessageSource);

    internal static uint ReadFlags(nint miniObject) => (uint)Marshal.ReadInt32(miniObject, MiniObjectFlags);

    internal static void WriteFlags(nint miniObject, uint flags) => Marshal.WriteInt32(miniObject, MiniObjectFlags, (int)flags);

    internal static ulong ReadUInt64(nint structure, int offset) => (ulong)Marshal.ReadInt64(structure, offset);

    internal static void WriteUInt64(nint structure, int offset, ulong value) => Marshal.WriteInt64(structure, offset, (long)value);

    /// <summary>G_OBJECT_GET_CLASS: the class pointer at the start of every GTypeInstance.</summary>
    internal static nint ReadClass(nint instance) => Marshal.ReadIntPtr(instance);

    private static int AlignTo8(int offset) => (offset + 7) & ~7;
}
