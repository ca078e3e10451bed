using Backpack.Cli.Bench;
using Backpack.Imaging;

namespace Backpack.Cli.Tests.Bench;

public sealed class FrameCodeTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(12345)]
    [InlineData(65535)]
    public void A_number_drawn_into_a_frame_is_read_back_from_its_grey_picture(int number)
    {
        using var frame = BgrFrame.Create(640, 360);
        frame.Fill(90, 140, 200);

        FrameCode.Draw(frame, number);

        FrameCode.Read(GreyRow(frame, FrameCode.MiddleRow(360)), 360).Should().Be(number);
    }

    [Fact]
    public void Numbers_wrap_at_65536()
    {
        using var frame = BgrFrame.Create(640, 360);

        FrameCode.Draw(frame, 65536 + 7);

        FrameCode.Read(GreyRow(frame, FrameCode.MiddleRow(360)), 360).Should().Be(7);
    }

    [Fact]
    public void A_frame_too_narrow_for_the_code_is_refused()
    {
        using var frame = BgrFrame.Create(100, 360);

        var draw = () => FrameCode.Draw(frame, 1);

        draw.Should().Throw<ArgumentException>().WithParameterName("frame").WithMessage("*100x360*");
    }

    /// <summary>A row as a decoder's grey picture has it (the mean of the channels is enough for black and white squares).</summary>
    private static byte[] GreyRow(BgrFrame frame, int y)
    {
        var row = frame.GetRow(y).ToArray();
        return [.. Enumerable.Range(0, frame.Width).Select(x => (byte)((row[3 * x] + row[(3 * x) + 1] + row[(3 * x) + 2]) / 3))];
    }
}
