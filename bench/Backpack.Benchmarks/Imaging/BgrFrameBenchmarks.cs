using BenchmarkDotNet.Attributes;
using Backpack.Imaging;

namespace Backpack.Benchmarks.Imaging;

/// <summary>The frame operations every annotation and streaming path starts with, at 1280x720.</summary>
[MemoryDiagnoser]
public class BgrFrameBenchmarks : IDisposable
{
    private readonly BgrFrame _source = BgrFrame.Create(1280, 720);
    private readonly BgrFrame _target = BgrFrame.Create(1280, 720);

    [Benchmark]
    public void CopyTo() => _source.CopyTo(_target);

    [Benchmark]
    public void Fill() => _target.Fill(64, 64, 64);

    public void Dispose()
    {
        _source.Dispose();
        _target.Dispose();
        GC.SuppressFinalize(this);
    }
}
