namespace Backpack.Streaming.Tests;

/// <summary>Resident memory, open file descriptors and threads of this process, from /proc.</summary>
internal sealed record ProcessFigures(long ResidentBytes, int OpenFiles, int Threads)
{
    internal static ProcessFigures Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var status = File.ReadAllLines("/proc/self/status");
        long Field(string name) => long.Parse(
            status.Single(line => line.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim().Split(' ')[0],
            System.Globalization.CultureInfo.InvariantCulture);
        return new ProcessFigures(Field("VmRSS") * 1024, Directory.GetFiles("/proc/self/fd").Length, (int)Field("Threads"));
    }

    /// <summary>
    /// Bytes the C library's allocator has handed out and not had back (mallinfo2: arenas and mapped blocks): what
    /// native code still holds, without the free memory the allocator keeps, which resident memory includes.
    /// </summary>
    internal static long NativeHeapInUse()
    {
        var info = MallInfo2();
        return (long)(info.Uordblks + info.Hblkhd);
    }

    /// <summary>
    /// Stops glibc from creating further malloc arenas in this process (<c>mallopt(M_ARENA_MAX, n)</c>, as the environment
    /// variable MALLOC_ARENA_MAX does at start): each new thread otherwise may get an arena of its own, up to 8 per core,
    /// each keeping freed memory, which raises resident memory in steps without any leak.
    /// </summary>
    internal static void LimitMallocArenas(int arenas)
    {
        const int ArenaMax = -8; // M_ARENA_MAX in malloc.h
        if (MallOpt(ArenaMax, arenas) != 1)
        {
            throw new InvalidOperationException("mallopt(M_ARENA_MAX) failed");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo MallInfo2();

    /// <summary>glibc's struct mallinfo2 (every field a size_t).</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct MallInfo
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }
}
