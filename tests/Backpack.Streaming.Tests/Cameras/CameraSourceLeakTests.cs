using Backpack.Streaming.Cameras;
using Xunit.Abstractions;

namespace Backpack.Streaming.Tests.Cameras;

[Collection(Serial.Name)]
public sealed class CameraSourceLeakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Opening_reading_and_disposing_camera_sources_again_and_again_leaves_threads_and_files_flat()
    {
        // The first cycles fill caches (JIT tiers, GStreamer's task pool, the thread pool): warm up first.
        for (var i = 0; i < 30; i++)
        {
            await RunOnce();
        }
        var before = ProcessFigures.Measure();

        for (var i = 0; i < 60; i++)
        {
            await RunOnce();
        }
        var after = ProcessFigures.Measure();
        output.WriteLine($"before: {before}; after 60 more camera sources: {after}");

        (after.OpenFiles - before.OpenFiles).Should().BeLessThanOrEqualTo(2, $"open files went from {before.OpenFiles} to {after.OpenFiles}");
        // A leaked camera keeps its pipeline's streaming threads and its bus thread; the .NET thread pool may add a thread or two.
        (after.Threads - before.Threads).Should().BeLessThanOrEqualTo(4, $"threads went from {before.Threads} to {after.Threads}");
    }

    private static async Task RunOnce()
    {
        await using var camera = new CameraSource(new CameraSourceOptions { Source = "test:ball", Width = 64, Height = 48 });
        camera.Start();
        using var frame = await camera.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
        frame.Should().NotBeNull();
    }
}
