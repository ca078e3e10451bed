using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Backpack.Imaging;

/// <summary>
/// A small PNG writer and reader with the framework's zlib (<see cref="ZLibStream"/>): writes 8-bit RGB,
/// reads 8-bit grey, grey + alpha, RGB and RGBA without interlacing — what test images and golden images need.
/// </summary>
internal static class PngCodec
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];
    private static readonly uint[] CrcTable = BuildCrcTable();

    internal static void Write(BgrFrame frame, Stream stream)
    {
        var width = frame.Width;
        var height = frame.Height;
        var rowBytes = (width * 3) + 1;
        using var compressed = new MemoryStream();
        var filtered = ArrayPool<byte>.Shared.Rent(rowBytes * 5);
        var previous = ArrayPool<byte>.Shared.Rent(width * 3);
        var current = ArrayPool<byte>.Shared.Rent(width * 3);
        try
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                Array.Clear(previous, 0, width * 3);
                for (var y = 0; y < height; y++)
                {
                    var source = frame.GetRow(y);
                    var rgb = current.AsSpan(0, width * 3);
                    for (var x = 0; x < rgb.Length; x += 3)
                    {
                        rgb[x] = source[x + 2];
                        rgb[x + 1] = source[x + 1];
                        rgb[x + 2] = source[x];
                    }
                    var best = ChooseFilter(rgb, previous.AsSpan(0, width * 3), filtered.AsSpan(0, rowBytes * 5), rowBytes);
                    zlib.Write(filtered, best * rowBytes, rowBytes);
                    (previous, current) = (current, previous);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(filtered);
            ArrayPool<byte>.Shared.Return(previous);
            ArrayPool<byte>.Shared.Return(current);
        }
        stream.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: RGB
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // no interlace
        WriteChunk(stream, "IHDR", header);
        WriteChunk(stream, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(stream, "IEND", []);
    }

    internal static BgrFrame Read(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var data = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (data.Length < Signature.Length || !data[..Signature.Length].SequenceEqual(Signature))
        {
            throw new InvalidDataException("Not a PNG file: the 8-byte PNG signature is missing.");
        }
        var position = Signature.Length;
        int width = 0, height = 0, colorType = -1;
        using var idat = new MemoryStream();
        var ended = false;
        while (!ended)
        {
            if (position + 12 > data.Length)
            {
                throw new InvalidDataException("The PNG file ends before its IEND chunk: it is truncated.");
            }
            var length = BinaryPrimitives.ReadInt32BigEndian(data[position..]);
            if (length < 0 || position + 12 + (long)length > data.Length)
            {
                throw new InvalidDataException($"A PNG chunk at byte {position} claims {length} bytes, more than the file holds: it is truncated or corrupt.");
            }
            var type = Encoding.ASCII.GetString(data.Slice(position + 4, 4));
            var body = data.Slice(position + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(data[(position + 8 + length)..]);
            if (crc != Crc(data.Slice(position + 4, length + 4)))
            {
                throw new InvalidDataException($"The PNG chunk {type} at byte {position} has a wrong CRC: the file is corrupt.");
            }
            switch (type)
            {
                case "IHDR":
                    (width, height, colorType) = ReadHeader(body);
                    break;
                case "IDAT":
                    idat.Write(body);
                    break;
                case "IEND":
                    ended = true;
                    break;
                default:
                    if (char.IsUpper(type[0]) && type != "PLTE")
                    {
                        throw new InvalidDataException($"The PNG file has a critical chunk {type} this reader does not know.");
                    }
                    break;
            }
            position += 12 + length;
        }
        if (colorType < 0)
        {
            throw new InvalidDataException("The PNG file has no IHDR chunk.");
        }
        return Decode(idat, width, height, colorType);
    }

    private static (int Width, int Height, int ColorType) ReadHeader(ReadOnlySpan<byte> body)
    {
        if (body.Length != 13)
        {
            throw new InvalidDataException($"The PNG IHDR chunk has {body.Length} bytes; expected 13.");
        }
        var width = BinaryPrimitives.ReadInt32BigEndian(body);
        var height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
        int depth = body[8], colorType = body[9], interlace = body[12];
        if (width < 1 || height < 1 || (long)width * height > 1 << 28)
        {
            throw new InvalidDataException($"The PNG image is {width}x{height}; expected 1x1 to 2^28 pixels.");
        }
        if (depth != 8)
        {
            throw new InvalidDataException($"The PNG image has {depth} bits per channel; this reader reads 8 only.");
        }
        if (colorType is not (0 or 2 or 4 or 6))
        {
            throw new InvalidDataException($"The PNG image has colour type {colorType}{(colorType == 3 ? " (palette)" : string.Empty)}; this reader reads grey (0), RGB (2), grey + alpha (4) and RGBA (6).");
        }
        if (body[10] != 0 || body[11] != 0 || interlace != 0)
        {
            throw new InvalidDataException(interlace != 0
                ? "The PNG image is interlaced (Adam7); this reader reads non-interlaced images only."
                : "The PNG image uses an unknown compression or filter method.");
        }
        return (width, height, colorType);
    }

    private static BgrFrame Decode(MemoryStream idat, int width, int height, int colorType)
    {
        var channels = colorType switch { 0 => 1, 4 => 2, 2 => 3, _ => 4 };
        var rowLength = width * channels;
        var raw = new byte[(long)(rowLength + 1) * height];
        idat.Position = 0;
        try
        {
            using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
            zlib.ReadExactly(raw);
        }
        catch (Exception exception) when (exception is EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"The PNG image data does not decompress to {width}x{height} pixels: {exception.Message}", exception);
        }
        var frame = BgrFrame.Create(width, height);
        var previous = new byte[rowLength];
        var current = new byte[rowLength];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (long)(rowLength + 1)];
            raw.AsSpan((int)(y * (long)(rowLength + 1)) + 1, rowLength).CopyTo(current);
            Unfilter(filter, current, previous, channels, y);
            var target = frame.GetRow(y);
            for (var x = 0; x < width; x++)
            {
                var s = x * channels;
                byte r, g, b;
                if (channels <= 2)
                {
                    r = g = b = current[s];
                }
                else
                {
                    (r, g, b) = (current[s], current[s + 1], current[s + 2]);
                }
                target[x * 3] = b;
                target[(x * 3) + 1] = g;
                target[(x * 3) + 2] = r;
            }
            (previous, current) = (current, previous);
        }
        return frame;
    }

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> above, int bpp, int y)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (var i = bpp; i < row.Length; i++)
                {
                    row[i] += row[i - bpp];
                }
                break;
            case 2:
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] += above[i];
                }
                break;
            case 3:
                for (var i = 0; i < row.Length; i++)
                {
                    var left = i >= bpp ? row[i - bpp] : 0;
                    row[i] += (byte)((left + above[i]) >> 1);
                }
                break;
            case 4:
                for (var i = 0; i < row.Length; i++)
                {
                    var left = i >= bpp ? row[i - bpp] : (byte)0;
                    var upperLeft = i >= bpp ? above[i - bpp] : (byte)0;
                    row[i] += Paeth(left, above[i], upperLeft);
                }
                break;
            default:
                throw new InvalidDataException($"Row {y} of the PNG image has filter type {filter}; expected 0 to 4.");
        }
    }

    /// <summary>Writes the five filtered versions of a row and returns the one with the smallest sum of absolute values.</summary>
    private static int ChooseFilter(ReadOnlySpan<byte> row, ReadOnlySpan<byte> above, Span<byte> output, int rowBytes)
    {
        var best = 0;
        var bestScore = long.MaxValue;
        for (var filter = 0; filter < 5; filter++)
        {
            var target = output.Slice(filter * rowBytes, rowBytes);
            target[0] = (byte)filter;
            long score = 0;
            for (var i = 0; i < row.Length; i++)
            {
                var left = i >= 3 ? row[i - 3] : (byte)0;
                var upperLeft = i >= 3 ? above[i - 3] : (byte)0;
                var predicted = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => above[i],
                    3 => (byte)((left + above[i]) >> 1),
                    _ => Paeth(left, above[i], upperLeft),
                };
                var value = (byte)(row[i] - predicted);
                target[i + 1] = value;
                score += value < 128 ? value : 256 - value;
            }
            if (score < bestScore)
            {
                bestScore = score;
                best = filter;
            }
        }
        return best;
    }

    private static byte Paeth(byte a, byte b, byte c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> body)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, body.Length);
        Encoding.ASCII.GetBytes(type, header[4..]);
        stream.Write(header);
        stream.Write(body);
        var crc = UpdateCrc(0xFFFFFFFFu, header[4..]);
        crc = UpdateCrc(crc, body) ^ 0xFFFFFFFFu;
        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(trailer, crc);
        stream.Write(trailer);
    }

    private static uint Crc(ReadOnlySpan<byte> data) => UpdateCrc(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;

    private static uint UpdateCrc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
