using System.Globalization;
using Backpack.Threading;

namespace Backpack.Cli.Bench;

/// <summary>
/// Samples, on its own thread every <c>interval</c>, this process's resident memory (/proc/self/statm) and one more
/// figure given as a delegate (such as the bytes a Kinesis output buffers), keeping the largest of each; used the same
/// way for every output of a benchmark so that its own small cost is the same in every run.
/// </summary>
internal sealed class RunSampler : IDisposable
{
    private readonly Func<long>? _other;
    private readonly TimeSpan _interval;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private long _maxResident;
    private long _maxOther;

    private RunSampler(Func<long>? other, TimeSpan interval)
    {
        _other = other;
        _interval = interval;
        _maxResident = ResidentBytes();
        _thread = BackgroundWork.CreateThread("bench sampler", "bench sampler", null, Run);
        _thread.Start();
    }

    /// <summary>Starts sampling.</summary>
    internal static RunSampler Start(Func<long>? other, TimeSpan interval) => new(other, interval);

    /// <summary>The largest resident memory sampled so far, in bytes.</summary>
    internal long MaxResidentBytes => Interlocked.Read(ref _maxResident);

    /// <summary>The largest value of the other figure sampled so far.</summary>
    internal long MaxOther => Interlocked.Read(ref _maxOther);

    /// <summary>This process's resident memory now (bytes), 0 where /proc is absent.</summary>
    internal static long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Takes one last sample and stops.</summary>
    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        Sample();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.Wait(_interval))
        {
            Sample();
        }
    }

    private void Sample()
    {
        Raise(ref _maxResident, ResidentBytes());
        if (_other is not null)
        {
            Raise(ref _maxOther, _other());
        }
    }

    private static void Raise(ref long maximum, long value)
    {
        var current = Interlocked.Read(ref maximum);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref maximum, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
