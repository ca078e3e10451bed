using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Backpack.Annotation;
using Backpack.Imaging;

namespace Backpack.Cli.Commands;

/// <summary>
/// <c>backpack annotate</c>: renders a scene file on a frame of one colour with the raster driver, writes the
/// PNG when asked and measures the time per frame.
/// </summary>
internal static class AnnotateCommand
{
    internal static Command Create()
    {
        var scene = new Option<FileInfo>("--scene") { Description = "The scene: a JSON file {\"annotations\": [...]} (see docs/annotation.md).", Required = true };
        var width = new Option<int>("--width") { Description = "Frame width in pixels.", Required = true };
        var height = new Option<int>("--height") { Description = "Frame height in pixels.", Required = true };
        var background = new Option<string>("--background") { Description = "Background colour, #rrggbb.", DefaultValueFactory = _ => "#404040" };
        var output = new Option<FileInfo?>("--out") { Description = "Write the rendered frame to this PNG file." };
        var repeat = new Option<int>("--repeat") { Description = "Render this many times after one warm-up and print the mean time per frame.", DefaultValueFactory = _ => 1 };
        var command = new Command("annotate", "Render a scene of annotations on a frame with the managed raster driver; print ms_per_frame.")
        {
            scene, width, height, background, output, repeat,
        };
        command.SetAction(parseResult => Run(
            parseResult.GetValue(scene)!,
            parseResult.GetValue(width),
            parseResult.GetValue(height),
            parseResult.GetValue(background)!,
            parseResult.GetValue(output),
            parseResult.GetValue(repeat),
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    internal static int Run(FileInfo sceneFile, int width, int height, string background, FileInfo? output, int repeat, TextWriter stdout, TextWriter stderr)
    {
        if (width is < 1 or > 16384 || height is < 1 or > 16384)
        {
            stderr.WriteLine($"backpack annotate: the frame size {width}x{height} is out of range; expected a width and height from 1 to 16384.");
            return ExitCodes.BadInput;
        }
        if (repeat < 1)
        {
            stderr.WriteLine($"backpack annotate: --repeat {repeat} is out of range; expected 1 or more.");
            return ExitCodes.BadInput;
        }
        if (!Color.TryFromHex(background, out var color) || !color.IsOpaque)
        {
            stderr.WriteLine($"backpack annotate: --background '{background}' is not a colour; expected #rrggbb, such as #404040.");
            return ExitCodes.BadInput;
        }
        IReadOnlyList<Annotation.Annotation> annotations;
        try
        {
            annotations = AnnotationScene.Load(sceneFile.FullName);
        }
        catch (AnnotationSceneException exception)
        {
            stderr.WriteLine($"backpack annotate: {sceneFile.FullName}: {exception.Message}");
            return ExitCodes.BadInput;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"backpack annotate: cannot read the scene {sceneFile.FullName}: {exception.Message}");
            return ExitCodes.BadInput;
        }

        using var backgroundFrame = BgrFrame.Create(width, height);
        backgroundFrame.Fill(color.B, color.G, color.R);
        using var frame = BgrFrame.Create(width, height);
        var driver = new RasterAnnotationDriver();

        // One warm-up: the first frame sizes the driver's buffers and rasterises the glyphs.
        backgroundFrame.CopyTo(frame);
        driver.Render(annotations, frame);
        var cpuStart = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < repeat; i++)
        {
            backgroundFrame.CopyTo(frame);
            driver.Render(annotations, frame);
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        var cpu = Environment.CpuUsage.TotalTime - cpuStart;

        if (output is not null)
        {
            try
            {
                frame.SavePng(output.FullName);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"backpack annotate: cannot write {output.FullName}: {exception.Message}");
                return ExitCodes.BadInput;
            }
            stdout.WriteLine($"wrote {output.FullName}");
        }
        stdout.WriteLine($"rendered {annotations.Count} annotations on {width}x{height}, {repeat} time(s) after one warm-up");
        // CPU time of the process (all its threads) per frame: steadier than wall time on a busy machine.
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cpu_ms_per_frame={cpu.TotalMilliseconds / repeat:0.0000}"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ms_per_frame={elapsed.TotalMilliseconds / repeat:0.0000}"));
        return ExitCodes.Success;
    }
}
