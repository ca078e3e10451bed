using System.Buffers.Binary;

namespace Backpack.Streaming.Outputs;

/// <summary>
/// The codec configuration of an H.264 stream: its AVCDecoderConfigurationRecord (ISO/IEC 14496-15
/// §5.3.3, the <c>avcC</c> box, Matroska's CodecPrivate for <c>V_MPEG4/ISO/AVC</c>), the parameter sets
/// it holds and the picture size. Immutable.
/// </summary>
/// <remarks>Thread safe.</remarks>
public sealed class H264Configuration : IEquatable<H264Configuration>
{
    private readonly byte[] _record;

    private H264Configuration(byte[] record, int width, int height, int lengthSize, IReadOnlyList<ReadOnlyMemory<byte>> sps, IReadOnlyList<ReadOnlyMemory<byte>> pps)
    {
        _record = record;
        Width = width;
        Height = height;
        NalLengthSize = lengthSize;
        SequenceParameterSets = sps;
        PictureParameterSets = pps;
    }

    /// <summary>The AVCDecoderConfigurationRecord bytes.</summary>
    public ReadOnlyMemory<byte> DecoderConfigurationRecord => _record;

    /// <summary>The picture width in pixels.</summary>
    public int Width { get; }

    /// <summary>The picture height in pixels.</summary>
    public int Height { get; }

    /// <summary>The profile (AVCProfileIndication), such as 66 (baseline), 77 (main) or 100 (high).</summary>
    public byte Profile => _record[1];

    /// <summary>The level (AVCLevelIndication) times ten, such as 31 for level 3.1.</summary>
    public byte Level => _record[3];

    /// <summary>Bytes of the length before each NAL unit of an AVCC frame: 1, 2 or 4.</summary>
    public int NalLengthSize { get; }

    /// <summary>The sequence parameter sets, without start codes.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> SequenceParameterSets { get; }

    /// <summary>The picture parameter sets, without start codes.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> PictureParameterSets { get; }

    /// <summary>The codec string of RFC 6381 for this stream, such as <c>avc1.64001f</c> (for MSE, WebCodecs, HLS).</summary>
    public string CodecString => $"avc1.{_record[1]:x2}{_record[2]:x2}{_record[3]:x2}";

    /// <summary>Reads a configuration record.</summary>
    /// <param name="record">The AVCDecoderConfigurationRecord; copied.</param>
    /// <param name="width">The picture width in pixels, 1 or more.</param>
    /// <param name="height">The picture height in pixels, 1 or more.</param>
    /// <exception cref="ArgumentException">The record is malformed (the message says where) or a size is below 1.</exception>
    public static H264Configuration Parse(ReadOnlySpan<byte> record, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (record.Length < 7 || record[0] != 1)
        {
            throw new ArgumentException(
                $"An AVCDecoderConfigurationRecord starts with version 1 and holds at least 7 bytes; got {record.Length} byte(s){(record.Length > 0 ? $", version {record[0]}" : string.Empty)}.",
                nameof(record));
        }
        var lengthSize = (record[4] & 0b11) + 1;
        if (lengthSize == 3)
        {
            throw new ArgumentException("The record gives NAL units a 3-byte length, which H.264 does not allow; expected 1, 2 or 4.", nameof(record));
        }
        var copy = record.ToArray();
        var position = 5;
        var sps = ReadSets(copy, ref position, copy[5] & 0b1_1111, "sequence");
        if (position >= copy.Length)
        {
            throw new ArgumentException($"The record ends after its sequence parameter sets, at byte {position}; expected the count of picture parameter sets.", nameof(record));
        }
        var pps = ReadSets(copy, ref position, copy[position], "picture");
        if (sps.Count == 0 || pps.Count == 0)
        {
            throw new ArgumentException($"The record holds {sps.Count} sequence and {pps.Count} picture parameter set(s); expected at least one of each.", nameof(record));
        }
        return new H264Configuration(copy, width, height, lengthSize, sps, pps);
    }

    /// <summary>The parameter sets in Annex-B form: each preceded by the start code 00 00 00 01, SPS first.</summary>
    public byte[] ToAnnexB()
    {
        var sets = SequenceParameterSets.Concat(PictureParameterSets).ToList();
        var bytes = new byte[sets.Sum(set => set.Length + 4)];
        var position = 0;
        foreach (var set in sets)
        {
            bytes[position + 3] = 1;
            set.Span.CopyTo(bytes.AsSpan(position + 4));
            position += set.Length + 4;
        }
        return bytes;
    }

    /// <inheritdoc/>
    public bool Equals(H264Configuration? other) =>
        other is not null && Width == other.Width && Height == other.Height && _record.AsSpan().SequenceEqual(other._record);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as H264Configuration);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(Width);
        hash.Add(Height);
        hash.AddBytes(_record);
        return hash.ToHashCode();
    }

    /// <summary>Such as <c>H.264 avc1.64001f 1280x720</c>.</summary>
    public override string ToString() => $"H.264 {CodecString} {Width}x{Height}";

    private static List<ReadOnlyMemory<byte>> ReadSets(byte[] record, ref int position, int count, string kind)
    {
        // The count byte itself.
        position++;
        var sets = new List<ReadOnlyMemory<byte>>(count);
        for (var i = 0; i < count; i++)
        {
            if (position + 2 > record.Length)
            {
                throw new ArgumentException($"The record ends inside the length of {kind} parameter set {i}, at byte {position}.", nameof(record));
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(position));
            position += 2;
            if (length == 0 || position + length > record.Length)
            {
                throw new ArgumentException($"The {kind} parameter set {i} claims {length} byte(s) at byte {position}; the record has {record.Length - position} left.", nameof(record));
            }
            sets.Add(record.AsMemory(position, length));
            position += length;
        }
        return sets;
    }
}
