// A frame loop that draws a moving detection and records what it draws with a SkyLine.
//
//   dotnet run --project samples/SkyLineRecorder -- [output.mkv|.mp4] [seconds]
//
// SkyLine measures the frame rate and the frame size during a short warmup (no values are given to
// StartStreaming), then records in real time; Put never waits for the encoder. At the end the file is
// complete and the statistics say what happened to each frame.
using Backpack.Annotation;
using Backpack.Geometry;
using Backpack.Imaging;
using Backpack.Streaming.Runtime;
using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

var path = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.Combine(Path.GetTempPath(), "skyline-sample.mkv");
var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
using var loggerFactory = LoggerFactory.Create(builder => builder.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Information));

RecorderSkyLine skyLine;
try
{
    skyLine = new RecorderSkyLine(path, options: new SkyLineOptions { Name = "sample", WarmupFrames = 30 }, loggerFactory: loggerFactory);
}
catch (GStreamerUnavailableException missing)
{
    Console.Error.WriteLine(missing.Message);
    return 1;
}
using (skyLine)
{
    skyLine.StartStreaming();   // auto: frame rate and size are measured from the first 30 frames
    var driver = new RasterAnnotationDriver();
    using var frame = BgrFrame.Create(960, 540);
    var period = TimeSpan.FromSeconds(1.0 / 25);
    var started = DateTime.UtcNow;
    for (var index = 0; DateTime.UtcNow - started < TimeSpan.FromSeconds(seconds); index++)
    {
        // The "application": a background, a detection moving across, a timestamp.
        frame.Fill(blue: 60, green: 45, red: 30);
        var x = (index % 100) / 100.0 * 0.7;
        driver.Render(
        [
            new TimestampAnnotation(),
            new BoundingBoxAnnotation(new Rectangle(0.1 + x, 0.3, 0.25 + x, 0.7), $"object {index}", "id 7", Color.FromId(7)),
        ], frame);

        skyLine.Put(frame);   // returns at once; the frame can be drawn on again right away
        Thread.Sleep(period);
    }
    skyLine.StopStreaming();   // the queued frames are encoded and the file is closed

    var statistics = skyLine.Statistics;
    Console.WriteLine($"recorded {skyLine.Format} with {skyLine.EncoderElement} to {string.Join(", ", skyLine.CompletedFiles)}");
    Console.WriteLine($"frames put {statistics.FramesPut} (warmup {skyLine.Options.WarmupFrames}), encoded {statistics.FramesEncoded}, " +
        $"dropped {statistics.FramesDropped}, skipped {statistics.FramesSkipped}, repeated {statistics.FramesRepeated}");
}
return 0;
