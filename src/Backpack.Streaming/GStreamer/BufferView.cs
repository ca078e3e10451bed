using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// A GstBuffer seen through a pointer someone else keeps alive (a sample, a pad probe): timestamps,
/// flags and a copy of the bytes. Also the helpers that make buffers.
/// </summary>
internal readonly struct BufferView
{
    internal BufferView(nint buffer) => Pointer = buffer;

    /// <summary>The GstBuffer*.</summary>
    internal nint Pointer { get; }

    /// <summary>Presentation time in nanoseconds, or null when unset.</summary>
    internal ulong? Pts => Nullable(NativeLayout.ReadUInt64(Pointer, NativeLayout.BufferPts));

    /// <summary>Decoding time in nanoseconds, or null when unset.</summary>
    internal ulong? Dts => Nullable(NativeLayout.ReadUInt64(Pointer, NativeLayout.BufferDts));

    /// <summary>Duration in nanoseconds, or null when unset.</summary>
    internal ulong? Duration => Nullable(NativeLayout.ReadUInt64(Pointer, NativeLayout.BufferDuration));

    /// <summary>GstBufferFlags.</summary>
    internal uint Flags => NativeLayout.ReadFlags(Pointer);

    /// <summary>True unless the buffer is marked as depending on others (a key frame, or uncompressed data).</summary>
    internal bool IsKeyFrame => (Flags & NativeLayout.BufferFlagDeltaUnit) == 0;

    /// <summary>Bytes of data.</summary>
    internal int Size => checked((int)Gst.BufferGetSize(Pointer));

    /// <summary>Copies the data into a new array (for tests and rare paths, never per frame).</summary>
    internal byte[] ToArray()
    {
        if (!Gst.BufferMap(Pointer, out var map, Gst.MapFlags.Read))
        {
            throw new GStreamerException("The buffer could not be mapped for reading.");
        }
        try
        {
            var bytes = new byte[(int)map.Size];
            unsafe
            {
                new ReadOnlySpan<byte>((void*)map.Data, bytes.Length).CopyTo(bytes);
            }
            return bytes;
        }
        finally
        {
            Gst.BufferUnmap(Pointer, ref map);
        }
    }

    /// <summary>Sets PTS and duration of a buffer this code owns alone (just made, not yet pushed).</summary>
    internal static void SetTimestamps(nint buffer, ulong pts, ulong duration)
    {
        NativeLayout.WriteUInt64(buffer, NativeLayout.BufferPts, pts);
        NativeLayout.WriteUInt64(buffer, NativeLayout.BufferDuration, duration);
    }

    /// <summary>Sets or clears GST_BUFFER_FLAG_DISCONT on a buffer this code owns alone.</summary>
    internal static void SetDiscontinuity(nint buffer, bool discontinuity)
    {
        var flags = NativeLayout.ReadFlags(buffer);
        NativeLayout.WriteFlags(buffer, discontinuity ? flags | NativeLayout.BufferFlagDiscont : flags & ~NativeLayout.BufferFlagDiscont);
    }

    /// <summary>
    /// A buffer over memory the caller owns; GStreamer calls <paramref name="release"/> with
    /// <paramref name="state"/> once it no longer needs the memory (on any thread).
    /// </summary>
    internal static unsafe nint Wrap(nint data, int size, nint state, delegate* unmanaged<nint, void> release) =>
        Gst.BufferNewWrappedFull(0, data, (nuint)size, 0, (nuint)size, state, release);

    /// <summary>A buffer with a copy of the bytes (for tests and rare paths).</summary>
    internal static nint Copy(ReadOnlySpan<byte> bytes)
    {
        var buffer = Gst.BufferNewAllocate(0, (nuint)bytes.Length, 0);
        if (!Gst.BufferMap(buffer, out var map, Gst.MapFlags.Write))
        {
            Gst.MiniObjectUnref(buffer);
            throw new GStreamerException("A new buffer could not be mapped for writing.");
        }
        unsafe
        {
            bytes.CopyTo(new Span<byte>((void*)map.Data, bytes.Length));
        }
        Gst.BufferUnmap(buffer, ref map);
        return buffer;
    }

    private static ulong? Nullable(ulong time) => time == Gst.ClockTimeNone ? null : time;
}
