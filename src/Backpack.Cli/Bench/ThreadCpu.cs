using System.Globalization;

namespace Backpack.Cli.Bench;

/// <summary>
/// CPU time of this process per thread name, from /proc/self/task (Linux), to show where a
/// benchmark's CPU goes: the application's thread, GStreamer's streaming threads, the encoder's.
/// </summary>
internal static class ThreadCpu
{
    /// <summary>Seconds of user + system time per thread id and name, now; empty where /proc is absent.</summary>
    internal static Dictionary<int, (string Name, double Seconds)> Snapshot()
    {
        var threads = new Dictionary<int, (string, double)>();
        const string tasks = "/proc/self/task";
        if (!Directory.Exists(tasks))
        {
            return threads;
        }
        var ticksPerSecond = 100.0; // USER_HZ on Linux
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var nameEnd = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..nameEnd];
                var fields = stat[(nameEnd + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (name, ticks / ticksPerSecond);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }
        return threads;
    }

    /// <summary>CPU seconds spent between two snapshots, summed per thread name, largest first.</summary>
    internal static IEnumerable<(string Name, double Seconds)> Between(
        Dictionary<int, (string Name, double Seconds)> before, Dictionary<int, (string Name, double Seconds)> after) =>
        after
            .Select(thread => (thread.Value.Name, Seconds: thread.Value.Seconds - (before.TryGetValue(thread.Key, out var earlier) ? earlier.Seconds : 0)))
            .GroupBy(thread => thread.Name)
            .Select(group => (group.Key, group.Sum(thread => thread.Seconds)))
            .Where(thread => thread.Item2 > 0)
            .OrderByDescending(thread => thread.Item2);
}
