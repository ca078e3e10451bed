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
/// <remarks>
/// <para>
/// The trim runs a moment after it is asked for (<see cref="ReturnFreedPagesSoon"/>), not at once: the last of
/// a stream's memory is freed after the events that ask (a client's own thread finalizes its media and sessions
/// after its "closed" signal), and a trim that runs before those frees leaves them in the arenas, about
/// 0.3–0.6 MiB per removed 720p stream with two clients, for good. Requests in a burst share one trim.
/// </para>
/// <para>Thread safe. A trim costs about a millisecond on a small heap.</para>
/// </remarks>
internal static partial class RtspMemory
{
    /// <summary>How long after a request the trim runs: long enough for the client threads to finish freeing.</summary>
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(300);

    private static readonly Timer Trimmer = new(_ => TrimNow(), null, Timeout.Infinite, Timeout.Infinite);
    private static int _unavailable;
    private static int _scheduled;
    private static long _requested;
    private static long _completed;

    /// <summary>Whether a trim was asked for and has not run yet (for tests: memory is measured once it ran).</summary>
    internal static bool IsTrimPending => Interlocked.Read(ref _completed) < Interlocked.Read(ref _requested);

    /// <summary>Returns the free pages of every arena to the system in a moment (see the remarks); never blocks.</summary>
    internal static void ReturnFreedPagesSoon()
    {
        Interlocked.Increment(ref _requested);
        // One trim at a time: a request made while one is scheduled is served by it (it reads the count when it runs).
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _ = Trimmer.Change(Delay, Timeout.InfiniteTimeSpan);
        }
    }

    private static void TrimNow()
    {
        Volatile.Write(ref _scheduled, 0);
        var served = Interlocked.Read(ref _requested);
        ReturnFreedPages();
        long completed;
        do
        {
            completed = Interlocked.Read(ref _completed);
        }
        while (completed < served && Interlocked.CompareExchange(ref _completed, served, completed) != completed);
    }

    /// <summary>Returns the free pages of every arena to the system now (malloc_trim); does nothing where the C library has no such call (musl).</summary>
    private static void ReturnFreedPages()
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
