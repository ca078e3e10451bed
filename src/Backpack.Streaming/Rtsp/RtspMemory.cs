using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer;

namespace Backpack.Streaming.Rtsp;

/// <summary>
/// Gives the pages that a stream's pipelines freed back to the operating system. A stream's encoder and
/// media allocate and free megabytes of buffers; glibc's allocator keeps freed memory in its arenas (one per
/// thread that allocated, and every stream brings new streaming threads) and raises its threshold for
/// mapping large blocks after each large free, so without a trim the resident memory of an application
/// whose streams come and go grows with every stream, although nothing leaks.
/// </summary>
/// <remarks>Thread safe. Costs about a millisecond per call on a small heap; called once per released media or stream.</remarks>
internal static partial class RtspMemory
{
    private static int _unavailable;

    /// <summary>Returns the free pages of every arena to the system (malloc_trim); does nothing where the C library has no such call (musl).</summary>
    internal static void ReturnFreedPages()
    {
        if (Volatile.Read(ref _unavailable) != 0)
        {
            return;
        }
        try
        {
            _ = MallocTrim(0);
        }
        catch (EntryPointNotFoundException)
        {
            Volatile.Write(ref _unavailable, 1);
        }
    }

    [LibraryImport(NativeLibraries.LibC, EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
