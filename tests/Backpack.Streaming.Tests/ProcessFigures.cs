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
}
