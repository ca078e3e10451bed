using System.Globalization;

namespace Backpack.Streaming.Tests;

/// <summary>
/// Minor page faults of the calling thread, from /proc: each first touch of a fresh 4 KiB page counts one,
/// so memory that a call allocates and writes shows up here even when it is native (invisible to the GC).
/// </summary>
internal static class ThreadFaults
{
    internal static long Minor()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        // The thread's name (field 2, in parentheses) may hold spaces; the fields after it start with the state (field 3).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[10 - 3], CultureInfo.InvariantCulture);
    }
}
