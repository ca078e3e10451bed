using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Backpack.Imaging;

namespace Backpack.Tests.Imaging;

public sealed class PngTests
{
    [Fact]
    public void A_saved_frame_loads_back_with_the_same_pixels()
    {
        using var frame = BgrFrame.Create(37, 21);
        var random = new Random(3);
        random.NextBytes(frame.Pixels);
        frame.GetRow(4).Fill(200);
        using var stream = new MemoryStream();

        frame.SavePng(stream);
        stream.Position = 0;
        using var loaded = BgrFrame.LoadPng(stream);

        (loaded.Width, loaded.Height).Should().Be((37, 21));
        loaded.Pixels.SequenceEqual(frame.Pixels).Should().BeTrue();
    }

    [Fact]
    public void A_view_with_padding_saves_only_its_pixels()
    {
        using var frame = BgrFrame.Create(10, 10);
        frame.Fill(1, 2, 3);
        using var view = frame.Crop(2, 3, 4, 5);
        view.Fill(9, 8, 7);
        var path = Path.Combine(Path.GetTempPath(), $"backpack-png-{Guid.NewGuid():N}.png");
        try
        {
            view.SavePng(path);
            using var loaded = BgrFrame.LoadPng(path);

            (loaded.Width, loaded.Height).Should().Be((4, 5));
            loaded.Pixels.ToArray().Should().Equal(Enumerable.Repeat(new byte[] { 9, 8, 7 }, 20).SelectMany(pixel => pixel));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_saved_file_is_a_PNG_that_OpenCV_reads()
    {
        using var frame = BgrFrame.Create(5, 4);
        frame.Fill(10, 20, 30);
        frame.GetRow(1)[3..6].Fill(250);
        var path = Path.Combine(Path.GetTempPath(), $"backpack-png-{Guid.NewGuid():N}.png");
        try
        {
            frame.SavePng(path);

            var output = Python($"import cv2; im = cv2.imread('{path}'); print(im.shape, im[0, 0].tolist(), im[1, 1].tolist())");

            output.Trim().Should().Be("(4, 5, 3) [10, 20, 30] [250, 250, 250]");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_RGB_PNG_written_by_OpenCV_loads_with_its_pixels()
    {
        using var frame = BgrFrame.LoadPng(Fixture("rgb.png"));

        (frame.Width, frame.Height).Should().Be((23, 17));
        Convert.ToHexStringLower(SHA256.HashData(frame.Pixels)).Should().Be("88e11b939da5dd2ad35834e91b84fc671436c8cec188e6dab6f4f6b482bc9dc0");
        frame.GetRow(5).Slice(3 * 3, 3).ToArray().Should().Equal([(byte)40, (byte)80, (byte)120]);
    }

    [Fact]
    public void A_grey_PNG_loads_as_grey_pixels()
    {
        using var frame = BgrFrame.LoadPng(Fixture("grey.png"));

        frame.GetRow(0).ToArray().Should().Equal([(byte)0, 0, 0, 128, 128, 128, 255, 255, 255]);
        frame.GetRow(1).ToArray().Should().Equal([(byte)10, 10, 10, 20, 20, 20, 30, 30, 30]);
    }

    [Fact]
    public void An_RGBA_PNG_loads_without_its_alpha()
    {
        using var frame = BgrFrame.LoadPng(Fixture("rgba.png"));

        frame.GetRow(0).ToArray().Should().Equal([(byte)255, 0, 0, 0, 255, 0, 0, 0, 255]);
        frame.GetRow(1).ToArray().Should().Equal([(byte)1, 2, 3, 1, 2, 3, 1, 2, 3]);
    }

    [Fact]
    public void A_file_that_is_not_a_PNG_is_rejected_saying_so()
    {
        var act = () => BgrFrame.LoadPng(new MemoryStream("GIF89a not a png"u8.ToArray()));

        act.Should().Throw<InvalidDataException>().WithMessage("Not a PNG file*");
    }

    [Fact]
    public void A_corrupt_PNG_is_rejected_naming_the_chunk()
    {
        var bytes = File.ReadAllBytes(Fixture("rgb.png"));
        bytes[40] ^= 0xFF; // inside the IDAT data

        var act = () => BgrFrame.LoadPng(new MemoryStream(bytes));

        act.Should().Throw<InvalidDataException>().WithMessage("*wrong CRC*");
    }

    [Fact]
    public void A_truncated_PNG_is_rejected()
    {
        var bytes = File.ReadAllBytes(Fixture("rgb.png"));

        var act = () => BgrFrame.LoadPng(new MemoryStream(bytes[..(bytes.Length - 20)]));

        act.Should().Throw<InvalidDataException>().WithMessage("*truncated*");
    }

    [Theory]
    [InlineData(16, 2, "16 bits per channel")]
    [InlineData(8, 3, "colour type 3 (palette)")]
    public void Kinds_this_reader_does_not_read_are_rejected_saying_which(byte depth, byte colorType, string problem)
    {
        var act = () => BgrFrame.LoadPng(new MemoryStream(HeaderOnlyPng(depth, colorType)));

        act.Should().Throw<InvalidDataException>().WithMessage($"*{problem}*");
    }

    [Fact]
    public void SavePng_rejects_an_empty_path()
    {
        using var frame = BgrFrame.Create(1, 1);

        var act = () => frame.SavePng(string.Empty);

        act.Should().Throw<ArgumentException>().And.ParamName.Should().Be("path");
    }

    private static byte[] HeaderOnlyPng(byte depth, byte colorType)
    {
        // A valid PNG up to its header: write a real one and patch the header fields and their CRC.
        using var frame = BgrFrame.Create(2, 2);
        using var stream = new MemoryStream();
        frame.SavePng(stream);
        var bytes = stream.ToArray();
        bytes[24] = depth;
        bytes[25] = colorType;
        var crc = Crc32(bytes.AsSpan(12, 17));
        bytes[29] = (byte)(crc >> 24);
        bytes[30] = (byte)(crc >> 16);
        bytes[31] = (byte)(crc >> 8);
        bytes[32] = (byte)crc;
        return bytes;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }
        return crc ^ 0xFFFFFFFFu;
    }

    private static string Fixture(string name, [CallerFilePath] string callerPath = "") =>
        Path.Combine(Path.GetDirectoryName(callerPath)!, "Fixtures", name);

    private static string Python(string code)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(code);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit(30_000).Should().BeTrue();
        process.ExitCode.Should().Be(0, error);
        return output;
    }
}
