using System.Runtime.InteropServices;

namespace Backpack.Cli.Bench;

/// <summary>The CPU time the calling thread has used (CLOCK_THREAD_CPUTIME_ID), to tell a call's own work from its waiting.</summary>
internal static partial class ThreadClock
{
    private const int ThreadCpuTime = 3;

    /// <summary>Nanoseconds of CPU the calling thread has used; 0 where the clock is unavailable.</summary>
    internal static long Nanoseconds() =>
        ClockGetTime(ThreadCpuTime, out var time) == 0 ? (time.Seconds * 1_000_000_000L) + time.Nanoseconds : 0;

    /// <summary>Minor page faults the calling thread has taken (getrusage RUSAGE_THREAD); 0 where unavailable.</summary>
    internal static unsafe long MinorFaults()
    {
        // struct rusage: two timevals (32 bytes), then longs: maxrss, ixrss, idrss, isrss, minflt, ...
        var usage = stackalloc long[18];
        return GetResourceUsage(1, usage) == 0 ? usage[4 + 4] : 0;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static unsafe partial int GetResourceUsage(int who, long* usage);

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
