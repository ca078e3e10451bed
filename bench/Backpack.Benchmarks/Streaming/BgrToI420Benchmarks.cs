using BenchmarkDotNet.Attributes;
using Backpack.Imaging;
using Backpack.Streaming.SkyLines;

namespace Backpack.Benchmarks.Streaming;

/// <summary>
/// The one copy SkyLine.Put makes of a 1280x720 frame, which is also its BGR→I420 conversion,
/// against a plain copy of the BGR bytes (what Put would cost without converting, leaving the
/// conversion to videoconvert on GStreamer's thread).
/// </summary>
[MemoryDiagnoser]
public class BgrToI420Benchmarks : IDisposable
{
    private readonly BgrFrame _source = BgrFrame.Create(1280, 720);
    private readonly BgrFrame _copy = BgrFrame.Create(1280, 720);
    private readonly I420Layout _layout = new(1280, 720);
    private readonly byte[] _i420 = new byte[new I420Layout(1280, 720).Size];

    public BgrToI420Benchmarks()
    {
        var random = new Random(42);
        random.NextBytes(_source.Pixels);
    }

    [Benchmark(Baseline = true)]
    public void CopyBgr() => _source.CopyTo(_copy);

    [Benchmark]
    public void ConvertToI420() => BgrToI420.Convert(_source.Pixels, _source.Stride, _layout, ColorMatrix.Bt709, _i420);

    public void Dispose()
    {
        _source.Dispose();
        _copy.Dispose();
        GC.SuppressFinalize(this);
    }
}
