using BenchmarkDotNet.Attributes;
using Backpack.Annotation;
using Backpack.Imaging;

namespace Backpack.Benchmarks.Annotation;

/// <summary>
/// The managed raster driver on the standard scene (data/scenes/standard.json, 48 annotations) at 1280x720,
/// each frame starting from a fresh copy of the background, as <c>backpack annotate</c> does. The target is under
/// 1 ms and 0 bytes allocated per frame; bench/annotation/compare.sh puts it side by side with OpenCV.
/// </summary>
public class RasterAnnotationBenchmarks
{
    private IReadOnlyList<Backpack.Annotation.Annotation> _scene = [];
    private BgrFrame _background = null!;
    private BgrFrame _frame = null!;
    private RasterAnnotationDriver _driver = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scene = AnnotationScene.Load(SceneFile());
        _background = BgrFrame.Create(1280, 720);
        _background.Fill(0x40, 0x40, 0x40);
        _frame = BgrFrame.Create(1280, 720);
        _driver = new RasterAnnotationDriver();
        _background.CopyTo(_frame);
        _driver.Render(_scene, _frame);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _background.Dispose();
        _frame.Dispose();
    }

    /// <summary>Only the background copy every frame starts with: the floor under the scene's cost.</summary>
    [Benchmark(Baseline = true)]
    public BgrFrame BackgroundCopy()
    {
        _background.CopyTo(_frame);
        return _frame;
    }

    /// <summary>Background copy and the whole standard scene.</summary>
    [Benchmark]
    public BgrFrame StandardScene()
    {
        _background.CopyTo(_frame);
        return _driver.Render(_scene, _frame);
    }

    private static string SceneFile() => Path.Combine(AppContext.BaseDirectory, "Scenes", "standard.json");
}
