namespace Backpack.Tests.Timepiece;

/// <summary>Runs an action on several threads released at the same moment, to provoke races.</summary>
internal static class Concurrently
{
    /// <summary>Calls <paramref name="tick"/> <paramref name="repetitions"/> times on each of <paramref name="threads"/> threads; returns how many calls gave true.</summary>
    public static int Count(int threads, int repetitions, Func<bool> tick)
    {
        using var start = new Barrier(threads);
        var hits = 0;
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < repetitions; i++)
            {
                if (tick())
                {
                    Interlocked.Increment(ref hits);
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        return hits;
    }
}
