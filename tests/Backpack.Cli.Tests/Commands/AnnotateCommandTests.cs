using System.Globalization;
using Backpack.Imaging;

namespace Backpack.Cli.Tests.Commands;

public sealed class AnnotateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("backpack-annotate-").FullName;

    [Fact]
    public void The_standard_scene_is_rendered_to_a_PNG_and_the_last_line_is_ms_per_frame()
    {
        var png = Path.Combine(_directory, "standard.png");

        var result = BackpackProcess.Run(["annotate", "--scene", StandardScene(), "--width", "320", "--height", "180", "--out", png, "--repeat", "3"]);

        result.ExitCode.Should().Be(0, result.Error);
        var last = result.Output.TrimEnd().Split('\n')[^1];
        last.Should().MatchRegex(@"^ms_per_frame=\d+\.\d+$");
        double.Parse(last["ms_per_frame=".Length..], CultureInfo.InvariantCulture).Should().BePositive();
        using var frame = BgrFrame.LoadPng(png);
        (frame.Width, frame.Height).Should().Be((320, 180));
        frame.GetRow(179).Slice(0, 3).ToArray().Should().Equal([(byte)0x40, (byte)0x40, (byte)0x40], "the background is #404040");
        frame.Pixels.ToArray().Distinct().Count().Should().BeGreaterThan(10, "the scene was drawn");
    }

    [Fact]
    public void The_background_option_sets_the_frame_colour()
    {
        var scene = Path.Combine(_directory, "empty.json");
        File.WriteAllText(scene, """{"annotations": []}""");
        var png = Path.Combine(_directory, "empty.png");

        var result = Run("--scene", scene, "--width", "8", "--height", "4", "--background", "#102030", "--out", png);

        result.ExitCode.Should().Be(0, result.Error);
        using var frame = BgrFrame.LoadPng(png);
        frame.GetRow(0).Slice(0, 3).ToArray().Should().Equal([(byte)0x30, (byte)0x20, (byte)0x10]);
    }

    [Fact]
    public void A_bad_scene_is_an_error_naming_the_annotation_index_and_field_with_exit_code_2()
    {
        var scene = Path.Combine(_directory, "bad.json");
        File.WriteAllText(scene, """{"annotations": [{"type": "rect", "rect": [0, 0, 1, 1]}, {"type": "line", "line": [[0, 0], [1, 1]], "color": "red"}]}""");

        var result = Run("--scene", scene, "--width", "64", "--height", "48");

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("annotations[1].color: expected a colour");
    }

    [Theory]
    [InlineData("--width", "0", "frame size")]
    [InlineData("--repeat", "0", "--repeat 0")]
    [InlineData("--background", "grey", "--background 'grey'")]
    public void Bad_arguments_are_errors_with_exit_code_2(string option, string value, string problem)
    {
        var scene = Path.Combine(_directory, "empty.json");
        File.WriteAllText(scene, """{"annotations": []}""");
        var arguments = new List<string> { "--scene", scene, "--width", "10", "--height", "10" };
        var index = arguments.IndexOf(option);
        if (index >= 0)
        {
            arguments[index + 1] = value;
        }
        else
        {
            arguments.AddRange([option, value]);
        }

        var result = Run([.. arguments]);

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain(problem);
    }

    [Fact]
    public void A_missing_scene_file_is_an_error_with_exit_code_2()
    {
        var result = Run("--scene", Path.Combine(_directory, "missing.json"), "--width", "10", "--height", "10");

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("cannot read the scene");
    }

    [Fact]
    public void Each_repetition_starts_from_a_fresh_copy_of_the_background()
    {
        // Transparent shapes darken or lighten what is under them: drawn again on the last frame, they would
        // change the picture, so one repetition and five must give the same PNG.
        var scene = Path.Combine(_directory, "transparent.json");
        File.WriteAllText(scene, """
            {"annotations": [
              {"type": "polyline", "points": [[0.1, 0.1], [0.9, 0.2], [0.5, 0.9]], "color": "#ff000080", "fillColor": "#0000ff60"},
              {"type": "line", "line": [[0, 0.5], [1, 0.6]], "thickness": 3, "color": [255, 255, 0, 0.5]},
              {"type": "rect", "rect": [0.2, 0.2, 0.8, 0.8], "color": "#ffffff40"}
            ]}
            """);
        var once = Path.Combine(_directory, "once.png");
        var fiveTimes = Path.Combine(_directory, "five.png");

        Run("--scene", scene, "--width", "64", "--height", "48", "--out", once, "--repeat", "1").ExitCode.Should().Be(0);
        Run("--scene", scene, "--width", "64", "--height", "48", "--out", fiveTimes, "--repeat", "5").ExitCode.Should().Be(0);

        using var first = BgrFrame.LoadPng(once);
        using var second = BgrFrame.LoadPng(fiveTimes);
        first.Pixels.ToArray().Distinct().Count().Should().BeGreaterThan(3, "the transparent shapes were drawn");
        second.Pixels.SequenceEqual(first.Pixels).Should().BeTrue("every repetition draws on the plain background");
    }

    [Fact]
    public void An_output_file_that_cannot_be_written_is_a_one_line_error_with_exit_code_2()
    {
        var scene = Path.Combine(_directory, "empty.json");
        File.WriteAllText(scene, """{"annotations": []}""");
        var output = Path.Combine(_directory, "no-such-directory", "x.png");

        var result = Run("--scene", scene, "--width", "8", "--height", "8", "--out", output);

        result.ExitCode.Should().Be(2);
        result.Error.Should().StartWith($"backpack annotate: cannot write {output}: ");
        result.Error.TrimEnd().Should().NotContain("\n", "the error is one line, without a stack trace");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static BackpackProcess.Result Run(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = Program.Run(["annotate", .. arguments], output, error);
        return new BackpackProcess.Result(exitCode, output.ToString(), error.ToString());
    }

    private static string StandardScene() => Path.Combine(AppContext.BaseDirectory, "Scenes", "standard.json");
}
