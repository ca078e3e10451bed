using System.Runtime.InteropServices;

namespace Backpack.Cli.Commands;

/// <summary>
/// Turns transparent huge pages off for this process (prctl PR_SET_THP_DISABLE), as the streaming commands do before any
/// pipeline runs. x264 asks for huge pages (madvise) for every buffer of 1.75 MiB or more and rounds it up to whole 2 MiB
/// pages, which then are resident whether written or not: about 6.5 MiB more per 1280×720 encoder than its buffers need
/// (bench/relay/memory.py), for no CPU gain measured at 720p. Nothing else of the process asks for them (the .NET GC and
/// glibc do not by default), so only that waste goes.
/// </summary>
/// <remarks>Process-wide and inherited by child processes; a kernel without the option (before 3.15) keeps huge pages.</remarks>
internal static partial class TransparentHugePages
{
    private const int SetThpDisable = 41;

    /// <summary>Turns them off; false where the kernel refuses (the process then runs as before).</summary>
    internal static bool Disable() => OperatingSystem.IsLinux() && Prctl(SetThpDisable, 1, 0, 0, 0) == 0;

    // prctl is variadic in C; its extra arguments are unsigned longs, passed as fixed ones on x86-64 and AArch64 Linux.
    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);
}
