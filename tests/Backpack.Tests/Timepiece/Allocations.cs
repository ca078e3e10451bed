namespace Backpack.Tests.Timepiece;

/// <summary>Counts the bytes an action allocates on the calling thread.</summary>
internal static class Allocations
{
    public static long Of(Action action, int repetitions = 1000)
    {
        action(); // warm up: JIT and first-call initialisation are not the hot path
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < repetitions; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
