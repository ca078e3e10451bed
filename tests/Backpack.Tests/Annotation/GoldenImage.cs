using System.Runtime.CompilerServices;
using Backpack.Imaging;

namespace Backpack.Tests.Annotation;

/// <summary>
/// Compares a rendered frame with a reviewed PNG under Golden/, pixel by pixel with a tolerance. A missing or
/// different golden image fails the test; it is rewritten only on purpose, with BACKPACK_REGENERATE_GOLDEN=1.
/// </summary>
internal static class GoldenImage
{
    /// <summary>Largest difference of one channel that still counts as equal (rounding across CPUs).</summary>
    private const int Tolerance = 3;

    internal static void Check(BgrFrame frame, string name, [CallerFilePath] string callerPath = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(callerPath)!, "Golden");
        var path = Path.Combine(directory, name + ".png");
        if (Environment.GetEnvironmentVariable("BACKPACK_REGENERATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(directory);
            frame.SavePng(path);
            return;
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
