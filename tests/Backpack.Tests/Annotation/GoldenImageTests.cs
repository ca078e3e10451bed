using Backpack.Imaging;
using Xunit.Sdk;

namespace Backpack.Tests.Annotation;

/// <summary>The golden-image check itself: it can only pass by comparing, never because it was asked to regenerate.</summary>
public sealed class GoldenImageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("backpack-golden-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static BgrFrame Frame(byte blue)
    {
        var frame = BgrFrame.Create(8, 4);
        frame.Fill(blue, 20, 30);
        return frame;
    }

    [Fact]
    public void Regenerating_rewrites_the_golden_image_and_fails_the_test_asking_for_a_review()
    {
        var path = Path.Combine(_directory, "Golden", "square.png");
        using var frame = Frame(10);

        var act = () => GoldenImage.CheckFile(frame, path, regenerate: true);

        act.Should().Throw<XunitException>().WithMessage($"*{path} was rewritten*review*run the tests again without BACKPACK_REGENERATE_GOLDEN*");
        using var written = BgrFrame.LoadPng(path);
        written.Pixels.SequenceEqual(frame.Pixels).Should().BeTrue("the golden image holds the new rendering");
    }

    [Fact]
    public void Regenerating_fails_even_when_the_rendering_did_not_change()
    {
        var path = Path.Combine(_directory, "same.png");
        using var frame = Frame(10);
        frame.SavePng(path);

        var act = () => GoldenImage.CheckFile(frame, path, regenerate: true);

        act.Should().Throw<XunitException>().WithMessage("*rewritten*");
    }

    [Fact]
    public void Without_regenerating_a_matching_rendering_passes_and_a_different_one_fails()
    {
        var path = Path.Combine(_directory, "compare.png");
        using var golden = Frame(10);
        golden.SavePng(path);
        using var close = Frame(13);
        using var different = Frame(14);

        GoldenImage.CheckFile(close, path, regenerate: false);
        var act = () => GoldenImage.CheckFile(different, path, regenerate: false);

        act.Should().Throw<XunitException>().WithMessage("*matches compare.png within 3 per channel*");
    }

    [Fact]
    public void Without_regenerating_a_missing_golden_image_fails()
    {
        using var frame = Frame(10);

        var act = () => GoldenImage.CheckFile(frame, Path.Combine(_directory, "missing.png"), regenerate: false);

        act.Should().Throw<XunitException>().WithMessage("*missing.png exists*");
        File.Exists(Path.Combine(_directory, "missing.png")).Should().BeFalse();
    }
}
