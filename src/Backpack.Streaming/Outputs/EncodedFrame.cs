using System.Buffers;
using System.Buffers.Binary;

namespace Backpack.Streaming.Outputs;

/// <summary>
/// One encoded H.264 access unit as the SkyLine hands it to its outputs: the AVCC bytes (each NAL unit
/// preceded by its length in <see cref="H264Configuration.NalLengthSize"/> bytes), when it is shown, whether
/// it is a key frame, and the codec configuration it needs. The bytes are copied out of GStreamer once and
/// shared, read-only, by every output.
/// </summary>
/// <remarks>
/// A frame is valid only while the <see cref="SkyLineOutput.OnFrame"/> call that received it runs: its
/// memory goes back to a pool afterwards, so an output that keeps anything copies it. Thread safe to read.
/// </remarks>
public sealed class EncodedFrame
{
    private byte[] _buffer = [];
    private int _references;

    internal EncodedFrame()
    {
    }

    /// <summary>The access unit in AVCC form.</summary>
    public ReadOnlyMemory<byte> Data => new(_buffer, 0, Length);

    /// <summary>Bytes of <see cref="Data"/>.</summary>
    public int Length { get; private set; }

    /// <summary>Whether the frame decodes on its own (an IDR picture, with SPS and PPS in front of it).</summary>
    public bool IsKeyFrame { get; private set; }

    /// <summary>
    /// When the frame is shown, on the SkyLine's monotonic clock (<see cref="TimeProvider.GetTimestamp"/> of its
    /// options' time provider): the moment the frame was put, as placed on the stream's constant-rate timeline.
    /// </summary>
    public long Timestamp { get; private set; }

    /// <summary>How long the frame is shown: one period of the stream's frame rate.</summary>
    public TimeSpan Duration { get; private set; }

    /// <summary>
    /// <see cref="Timestamp"/> on the wall clock: the SkyLine's monotonic clock anchored once to the wall clock,
    /// so it never goes back when the system clock is stepped (what Kinesis Video Streams needs).
    /// </summary>
    public DateTimeOffset WallClockTime { get; private set; }

    /// <summary>
    /// When the encoder handed the frame out (a <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> value): the start
    /// of an output's own latency, such as encoded → on the network.
    /// </summary>
    public long EncodedAt { get; private set; }

    /// <summary>The frame's number among those its SkyLine encoded (0, 1, 2, …), across sessions.</summary>
    public long Sequence { get; private set; }

    /// <summary>The codec configuration of the stream the frame belongs to.</summary>
    public H264Configuration Configuration { get; private set; } = null!;

    /// <summary>The presentation time in the encoding pipeline, nanoseconds (for outputs of this assembly that map it onto their own clocks).</summary>
    internal ulong PipelineTime { get; private set; }

    /// <summary>Bytes the frame takes in Annex-B form (a 4-byte start code before each NAL unit).</summary>
    public int AnnexBLength => Length + (CountNalUnits() * (4 - Configuration.NalLengthSize));

    /// <summary>Writes the frame in Annex-B form (start code 00 00 00 01 before each NAL unit), as some sinks and decoders want it.</summary>
    /// <param name="destination">At least <see cref="AnnexBLength"/> bytes.</param>
    /// <returns>The bytes written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public int CopyToAnnexB(Span<byte> destination)
    {
        var needed = AnnexBLength;
        if (destination.Length < needed)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the frame needs {needed} in Annex-B form.", nameof(destination));
        }
        var lengthSize = Configuration.NalLengthSize;
        var source = _buffer.AsSpan(0, Length);
        var written = 0;
        while (source.Length >= lengthSize)
        {
            var length = ReadLength(source, lengthSize);
            var unit = source.Slice(lengthSize, Math.Min(length, source.Length - lengthSize));
            destination[written..].Slice(0, 4).Clear();
            destination[written + 3] = 1;
            unit.CopyTo(destination[(written + 4)..]);
            written += 4 + unit.Length;
            source = source[(lengthSize + unit.Length)..];
        }
        return written;
    }

    /// <summary>Such as <c>frame 42 key 5123 B</c>.</summary>
    public override string ToString() => $"frame {Sequence}{(IsKeyFrame ? " key" : string.Empty)} {Length} B";

    /// <summary>Fills the frame from an encoded buffer's bytes; the frame's memory grows from the shared array pool when needed.</summary>
    internal void Fill(ReadOnlySpan<byte> data, bool isKeyFrame, long timestamp, TimeSpan duration, DateTimeOffset wallClockTime, long sequence, H264Configuration configuration, ulong pipelineTime)
    {
        if (_buffer.Length < data.Length)
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
            }
            _buffer = ArrayPool<byte>.Shared.Rent(data.Length);
        }
        data.CopyTo(_buffer);
        Length = data.Length;
        IsKeyFrame = isKeyFrame;
        Timestamp = timestamp;
        Duration = duration;
        WallClockTime = wallClockTime;
        Sequence = sequence;
        Configuration = configuration;
        PipelineTime = pipelineTime;
        EncodedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    /// <summary>Where the bytes are, for a copy into a buffer of the caller (valid while the frame is held).</summary>
    internal byte[] Buffer => _buffer;

    /// <summary>Sets the holders (the dispatcher's own one plus one per output it goes to).</summary>
    internal void Hold(int references) => Volatile.Write(ref _references, references);

    /// <summary>Adds a holder.</summary>
    internal void AddReference() => Interlocked.Increment(ref _references);

    /// <summary>Drops a holder; true for the last one, which gives the frame back to its pool.</summary>
    internal bool Release() => Interlocked.Decrement(ref _references) == 0;

    private int CountNalUnits()
    {
        var lengthSize = Configuration.NalLengthSize;
        var source = _buffer.AsSpan(0, Length);
        var count = 0;
        while (source.Length >= lengthSize)
        {
            var length = ReadLength(source, lengthSize);
            count++;
            source = source[Math.Min(source.Length, lengthSize + length)..];
        }
        return count;
    }

    private static int ReadLength(ReadOnlySpan<byte> source, int lengthSize) => lengthSize switch
    {
        4 => (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(source)),
        2 => BinaryPrimitives.ReadUInt16BigEndian(source),
        _ => source[0],
    };
}
