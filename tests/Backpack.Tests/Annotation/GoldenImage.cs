using System.Runtime.CompilerServices;
using Backpack.Imaging;
using Xunit.Sdk;

namespace Backpack.Tests.Annotation;

/// <summary>
/// Compares a rendered frame with a reviewed PNG under Golden/, pixel by pixel with a tolerance. A missing or
/// different golden image fails the test; it is rewritten only on purpose, with BACKPACK_REGENERATE_GOLDEN=1,
/// and then the test fails too, asking for the rewritten images to be reviewed: regenerating never passes a run.
/// </summary>
internal static class GoldenImage
{
    /// <summary>Largest difference of one channel that still counts as equal (rounding across CPUs).</summary>
    private const int Tolerance = 3;

    internal static void Check(BgrFrame frame, string name, [CallerFilePath] string callerPath = "") =>
        CheckFile(frame, Path.Combine(Path.GetDirectoryName(callerPath)!, "Golden", name + ".png"),
            regenerate: Environment.GetEnvironmentVariable("BACKPACK_REGENERATE_GOLDEN") == "1");

    /// <summary>Compares with the golden image at <paramref name="path"/>, or rewrites it when <paramref name="regenerate"/> is true.</summary>
    internal static void CheckFile(BgrFrame frame, string path, bool regenerate)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        if (regenerate)
        {
            // Never a pass: a rewritten golden image has not been compared with anything yet.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            frame.SavePng(path);
            throw new XunitException(
                $"BACKPACK_REGENERATE_GOLDEN=1: the golden image {path} was rewritten, so this run proves nothing. " +
                "Review every rewritten image (git diff, or open the PNGs), commit the ones that are right, and run the tests again without BACKPACK_REGENERATE_GOLDEN.");
        }
        File.Exists(path).Should().BeTrue($"the golden image {path} exists (create it on purpose with BACKPACK_REGENERATE_GOLDEN=1 and review it)");
        using var expected = BgrFrame.LoadPng(path);
        (frame.Width, frame.Height).Should().Be((expected.Width, expected.Height), $"{name}.png has the frame's size");
        var differing = 0;
        var worst = 0;
        var first = string.Empty;
        for (var y = 0; y < frame.Height; y++)
        {
            var actualRow = frame.GetRow(y);
            var expectedRow = expected.GetRow(y);
            for (var i = 0; i < actualRow.Length; i++)
            {
                var difference = Math.Abs(actualRow[i] - expectedRow[i]);
                if (difference > Tolerance)
                {
                    if (differing == 0)
                    {
                        first = $"first at pixel ({i / 3}, {y}) channel {i % 3}: {actualRow[i]} instead of {expectedRow[i]}";
                    }
                    differing++;
                    worst = Math.Max(worst, difference);
                }
            }
        }
        if (differing > 0)
        {
            var actualPath = Path.Combine(Path.GetTempPath(), $"{name}.actual.png");
            frame.SavePng(actualPath);
            differing.Should().Be(0, $"the rendering matches {name}.png within {Tolerance} per channel ({first}, worst {worst}; the rendering is in {actualPath})");
        }
    }
}
