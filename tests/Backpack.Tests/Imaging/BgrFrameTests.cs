using System.Runtime.InteropServices;
using Backpack.Imaging;

namespace Backpack.Tests.Imaging;

public sealed class BgrFrameTests
{
    [Fact]
    public void Create_gives_a_contiguous_black_frame_that_owns_its_memory()
    {
        using var frame = BgrFrame.Create(4, 3);

        frame.Width.Should().Be(4);
        frame.Height.Should().Be(3);
        frame.Stride.Should().Be(12);
        frame.IsContiguous.Should().BeTrue();
        frame.OwnsMemory.Should().BeTrue();
        frame.Pixels.ToArray().Should().HaveCount(36).And.OnlyContain(b => b == 0);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    [InlineData(-1, 10)]
    public void Create_rejects_empty_sizes_saying_what_is_expected(int width, int height)
    {
        var act = () => BgrFrame.Create(width, height);

        act.Should().Throw<ArgumentException>().WithMessage("Expected a frame * of at least 1 pixel.*");
    }

    [Fact]
    public void Wrap_rejects_a_stride_smaller_than_a_row()
    {
        var act = () => BgrFrame.Wrap(new byte[100], width: 10, height: 2, stride: 29);

        act.Should().Throw<ArgumentException>()
            .WithMessage("The stride 29 is smaller than a row of 10 BGR pixels; expected at least 30 bytes.*")
            .And.ParamName.Should().Be("stride");
    }

    [Fact]
    public void Wrap_rejects_memory_shorter_than_the_frame()
    {
        var act = () => BgrFrame.Wrap(new byte[59], width: 10, height: 2, stride: 32);

        act.Should().Throw<ArgumentException>().WithMessage("*holds 59 bytes*needs at least 62*");
    }

    [Fact]
    public void Wrap_rejects_a_zero_address()
    {
        var act = () => BgrFrame.Wrap(0, 10, 10, 30);

        act.Should().Throw<ArgumentException>().And.ParamName.Should().Be("address");
    }

    [Fact]
    public void A_wrapped_array_is_drawn_on_in_place_and_padding_is_left_alone()
    {
        var buffer = new byte[(16 * 2) + 12];
        buffer.AsSpan().Fill(7);
        using var frame = BgrFrame.Wrap(buffer, width: 4, height: 3, stride: 16);

        frame.Fill(1, 2, 3);

        buffer[..12].Should().Equal(1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3);
        buffer[12..16].Should().Equal(7, 7, 7, 7);
        buffer[16..28].Should().Equal(1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3);
        frame.OwnsMemory.Should().BeFalse();
    }

    [Fact]
    public unsafe void A_wrapped_pointer_is_drawn_on_in_place()
    {
        var native = NativeMemory.AllocZeroed(64);
        try
        {
            using (var frame = BgrFrame.Wrap((nint)native, width: 2, height: 2, stride: 32))
            {
                frame.GetRow(1)[3] = 200;
            }
            new Span<byte>(native, 64)[32 + 3].Should().Be(200, "the second pixel of row 1 lies at stride + 3");
        }
        finally
        {
            NativeMemory.Free(native);
        }
    }

    [Fact]
    public void Crop_is_a_view_sharing_the_frames_memory()
    {
        using var frame = BgrFrame.Create(8, 8);
        using var view = frame.Crop(2, 3, 4, 2);

        view.Fill(9, 9, 9);

        view.Stride.Should().Be(frame.Stride);
        frame.GetRow(3)[(2 * 3)..(6 * 3)].ToArray().Should().OnlyContain(b => b == 9);
        frame.GetRow(3)[..(2 * 3)].ToArray().Should().OnlyContain(b => b == 0);
        frame.GetRow(5).ToArray().Should().OnlyContain(b => b == 0);
    }

    [Theory]
    [InlineData(-1, 0, 2, 2, "x")]
    [InlineData(8, 0, 1, 1, "x")]
    [InlineData(0, -1, 2, 2, "y")]
    [InlineData(0, 8, 1, 1, "y")]
    [InlineData(0, 0, 9, 2, "width")]
    [InlineData(7, 7, 2, 1, "width")]
    [InlineData(0, 0, 0, 1, "width")]
    [InlineData(0, 6, 1, 3, "height")]
    [InlineData(0, 0, 1, 0, "height")]
    public void Crop_outside_the_frame_is_refused_naming_the_parameter_at_fault(int x, int y, int width, int height, string parameter)
    {
        using var frame = BgrFrame.Create(8, 8);

        var act = () => frame.Crop(x, y, width, height);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*must lie inside the 8x8 frame*")
            .And.ParamName.Should().Be(parameter);
    }

    [Fact]
    public void Clone_copies_pixels_from_a_padded_frame_into_a_contiguous_one()
    {
        var buffer = new byte[(20 * 1) + 6];
        using var frame = BgrFrame.Wrap(buffer, width: 2, height: 2, stride: 20);
        frame.GetRow(0)[0] = 10;
        frame.GetRow(1)[5] = 20;

        using var clone = frame.Clone();

        clone.IsContiguous.Should().BeTrue();
        clone.Pixels.ToArray().Should().Equal(10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20);
    }

    [Fact]
    public void CopyTo_refuses_a_frame_of_another_size()
    {
        using var source = BgrFrame.Create(4, 4);
        using var target = BgrFrame.Create(4, 5);

        var act = () => source.CopyTo(target);

        act.Should().Throw<ArgumentException>().WithMessage("The destination is 4x5; expected the source's size 4x4.*");
    }

    [Fact]
    public void GetRow_outside_the_frame_is_refused()
    {
        using var frame = BgrFrame.Create(4, 4);

        Action act = () => frame.GetRow(4);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("Expected a row index from 0 to 3.*");
    }

    [Fact]
    public void A_disposed_frame_refuses_access_and_disposing_twice_is_harmless()
    {
        var frame = BgrFrame.Create(2, 2);
        frame.Dispose();
        frame.Dispose();

        Action act = () => _ = frame.Pixels.Length;

        act.Should().Throw<ObjectDisposedException>();
        frame.ToString().Should().Be("BgrFrame 2x2 stride=6 owned disposed");
    }
}
