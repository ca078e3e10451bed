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

    /// <summary>Every member of a frame that touches its pixels, named for the theories below.</summary>
    public static TheoryData<string> PixelMembers() =>
    [
        "Pixels", "GetRow", "Fill", "Crop", "Clone", "CopyTo from it", "CopyTo into it", "SavePng to a stream", "SavePng to a file",
    ];

    private static void Use(BgrFrame frame, string member)
    {
        switch (member)
        {
            case "Pixels":
                frame.Pixels[0] = 7;
                break;
            case "GetRow":
                frame.GetRow(0)[0] = 7;
                break;
            case "Fill":
                frame.Fill(1, 2, 3);
                break;
            case "Crop":
                frame.Crop(0, 0, 1, 1).Fill(1, 2, 3);
                break;
            case "Clone":
                frame.Clone().Dispose();
                break;
            case "CopyTo from it":
                using (var target = BgrFrame.Create(frame.Width, frame.Height))
                {
                    frame.CopyTo(target);
                }
                break;
            case "CopyTo into it":
                using (var source = BgrFrame.Create(frame.Width, frame.Height))
                {
                    source.Fill(1, 2, 3);
                    source.CopyTo(frame);
                }
                break;
            case "SavePng to a stream":
                frame.SavePng(new MemoryStream());
                break;
            case "SavePng to a file":
                var path = Path.Combine(Path.GetTempPath(), $"backpack-crop-{Guid.NewGuid():N}.png");
                try
                {
                    frame.SavePng(path);
                }
                finally
                {
                    File.Delete(path);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(member), member, "Not a member of the list.");
        }
    }

    [Theory]
    [MemberData(nameof(PixelMembers))]
    public void A_crop_that_outlives_its_pooled_frame_throws_and_never_touches_the_next_frame_of_the_pool(string member)
    {
        var parent = BgrFrame.Create(16, 16);
        var view = parent.Crop(0, 0, 16, 16);
        parent.Dispose();
        using var next = BgrFrame.Create(16, 16); // the pool hands the same array out again

        var act = () => Use(view, member);

        act.Should().Throw<ObjectDisposedException>($"{member} of a view of a disposed frame");
        next.Pixels.ToArray().Should().OnlyContain(b => b == 0, "nothing reached the memory the pool handed out since");
        view.ToString().Should().EndWith(" disposed");
    }

    [Theory]
    [MemberData(nameof(PixelMembers))]
    public void A_crop_of_a_crop_of_a_clone_is_refused_once_the_clone_is_disposed(string member)
    {
        using var original = BgrFrame.Create(8, 8);
        var clone = original.Clone();
        var view = clone.Crop(1, 1, 6, 6).Crop(1, 1, 4, 4);
        clone.Dispose();

        var act = () => Use(view, member);

        act.Should().Throw<ObjectDisposedException>();
    }

    [Theory]
    [MemberData(nameof(PixelMembers))]
    public void A_crop_of_a_wrapped_frame_is_valid_only_while_the_frame_is(string member)
    {
        var buffer = new byte[8 * 8 * 3];
        var frame = BgrFrame.Wrap(buffer, 8, 8, 24);
        var view = frame.Crop(2, 2, 4, 4);
        frame.Dispose();

        var act = () => Use(view, member);

        act.Should().Throw<ObjectDisposedException>();
        buffer.Should().OnlyContain(b => b == 0);
    }

    [Fact]
    public void A_crop_of_a_crop_is_refused_once_the_crop_it_was_made_from_is_disposed()
    {
        using var frame = BgrFrame.Create(8, 8);
        var middle = frame.Crop(1, 1, 6, 6);
        var inner = middle.Crop(1, 1, 2, 2);
        middle.Dispose();

        var act = () => inner.Fill(1, 2, 3);

        act.Should().Throw<ObjectDisposedException>();
        frame.Fill(4, 5, 6);
        frame.GetRow(2)[3].Should().Be(4, "disposing a view leaves its frame usable");
    }

    [Fact]
    public void Disposing_a_view_after_its_frame_is_harmless()
    {
        var frame = BgrFrame.Create(4, 4);
        var view = frame.Crop(0, 0, 2, 2);
        frame.Dispose();

        var act = () => view.Dispose();

        act.Should().NotThrow();
    }

    [Fact]
    public void A_live_view_allocates_nothing_to_check_its_frame()
    {
        using var frame = BgrFrame.Create(64, 64);
        using var view = frame.Crop(8, 8, 32, 32).Crop(4, 4, 16, 16);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            view.GetRow(i % 16)[0] = (byte)i;
            _ = view.Pixels.Length;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
    }

    [Theory]
    [InlineData(10, int.MaxValue, "height")]
    [InlineData(int.MaxValue, 10, "width")]
    [InlineData(50_000, 50_000, "height")]
    public void Create_names_the_dimension_that_makes_a_frame_too_large(int width, int height, string parameter)
    {
        var act = () => BgrFrame.Create(width, height);

        act.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage($"A {width}x{height} BGR frame needs * bytes, more than the largest buffer of {Array.MaxLength} bytes; expected a smaller {parameter}.*")
            .And.ParamName.Should().Be(parameter);
    }

    [Fact]
    public void Wrap_names_the_height_when_the_rows_overflow()
    {
        var act = () => BgrFrame.Wrap(new byte[100], width: 10, height: int.MaxValue, stride: 30);

        act.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("height");
    }

    [Fact]
    public void Wrap_refuses_a_stride_whose_rows_overflow_the_largest_buffer()
    {
        var act = () => BgrFrame.Wrap(new byte[100], width: 1, height: 3, stride: int.MaxValue);

        act.Should().Throw<ArgumentException>()
            .WithMessage($"A 1x3 frame with stride {int.MaxValue} spans * bytes, more than the largest buffer of {Array.MaxLength} bytes; expected a smaller stride or height.*")
            .And.ParamName.Should().Be("stride");
    }

    [Fact]
    public unsafe void Wrap_with_a_byte_length_refuses_native_memory_too_short_for_the_frame()
    {
        var native = NativeMemory.AllocZeroed(61);
        try
        {
            var act = () => BgrFrame.Wrap((nint)native, 61, width: 10, height: 2, stride: 32);

            act.Should().Throw<ArgumentException>()
                .WithMessage("The memory holds 61 bytes; a 10x2 BGR frame with stride 32 needs at least 62.*")
                .And.ParamName.Should().Be("length");
        }
        finally
        {
            NativeMemory.Free(native);
        }
    }

    [Fact]
    public unsafe void Wrap_with_a_byte_length_draws_in_place_when_the_memory_fits()
    {
        var native = NativeMemory.AllocZeroed(62);
        try
        {
            using (var frame = BgrFrame.Wrap((nint)native, 62, width: 10, height: 2, stride: 32))
            {
                frame.Fill(5, 5, 5);
            }
            var bytes = new Span<byte>(native, 62);
            bytes[61].Should().Be(5, "the last byte of the last pixel is the last byte of the memory");
            bytes[31].Should().Be(0, "padding is left alone");
        }
        finally
        {
            NativeMemory.Free(native);
        }
    }

    [Theory]
    [InlineData(-1L, "length")]
    [InlineData(0L, "address")]
    public unsafe void Wrap_with_a_byte_length_refuses_a_negative_length_or_a_zero_address(long length, string parameter)
    {
        var native = NativeMemory.AllocZeroed(8);
        try
        {
            var address = parameter == "address" ? 0 : (nint)native;
            var act = () => BgrFrame.Wrap(address, length == 0 ? 8 : length, width: 1, height: 1, stride: 3);

            act.Should().Throw<ArgumentException>().And.ParamName.Should().Be(parameter);
        }
        finally
        {
            NativeMemory.Free(native);
        }
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
