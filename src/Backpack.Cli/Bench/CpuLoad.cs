using System.Diagnostics;
using System.Globalization;

namespace Backpack.Cli.Bench;

/// <summary>
/// Busy processes beside a benchmark, to measure it on a machine that has other work: each spins one core
/// at a given nice value (10: below the application, as SkyLine's own encoder threads run; 0: at its
/// priority). Disposing kills them.
/// </summary>
internal sealed class CpuLoad : IDisposable
{
    private readonly List<Process> _processes = [];

    private CpuLoad()
    {
    }

    /// <summary>Starts <paramref name="count"/> busy processes at nice <paramref name="niceness"/> (0 to 19).</summary>
    /// <exception cref="InvalidOperationException">A process could not be started (no /bin/sh or nice).</exception>
    internal static CpuLoad Start(int count, int niceness)
    {
        var load = new CpuLoad();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var start = new ProcessStartInfo("nice", ["-n", niceness.ToString(CultureInfo.InvariantCulture), "/bin/sh", "-c", "while :; do :; done"])
                {
                    UseShellExecute = false,
                    RedirectStandardInput = true,
                };
                load._processes.Add(Process.Start(start) ?? throw new InvalidOperationException("The busy process did not start."));
            }
            return load;
        }
        catch
        {
            load.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // It ended already.
            }
            process.Dispose();
        }
        _processes.Clear();
    }
}
