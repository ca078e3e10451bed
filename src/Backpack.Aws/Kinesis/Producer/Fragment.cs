using System.Buffers;
using Backpack.Streaming.Outputs;

namespace Backpack.Aws.Kinesis.Producer;

/// <summary>
/// One Kinesis fragment: a Matroska Cluster (its start and its SimpleBlocks, as sent) kept in pooled chunks until the
/// service acknowledged it, so it can be sent again on a new connection. Not thread safe: the producer guards it.
/// </summary>
internal sealed class Fragment
{
    /// <summary>The size of the pooled pieces a fragment's bytes are kept in.</summary>
    internal const int ChunkSize = 64 * 1024;

    private readonly List<byte[]> _chunks = [];

    internal Fragment(long timecode, H264Configuration configuration, long startedAt)
    {
        Timecode = timecode;
        LastFrameTimecode = timecode;
        Configuration = configuration;
        StartedAt = startedAt;
    }

    /// <summary>The cluster's timecode: the wall-clock time of its first frame, Unix epoch milliseconds.</summary>
    internal long Timecode { get; }

    /// <summary>The timecode of its last frame so far (ms).</summary>
    internal long LastFrameTimecode { get; set; }

    /// <summary>The codec configuration its frames belong to: a session's header is made from it.</summary>
    internal H264Configuration Configuration { get; }

    /// <summary>When its first frame was written (monotonic timestamp).</summary>
    internal long StartedAt { get; }

    /// <summary>When its last frame was written (monotonic timestamp): the start of the PERSISTED latency.</summary>
    internal long LastFrameAt { get; set; }

    /// <summary>Its bytes so far.</summary>
    internal int Length { get; private set; }

    /// <summary>Its frames so far.</summary>
    internal int Frames { get; set; }

    /// <summary>No frame is added any more (the next key frame started another fragment, or the stream ended).</summary>
    internal bool IsComplete { get; set; }

    /// <summary>What the service said of it last.</summary>
    internal FragmentProgress Progress { get; set; }

    /// <summary>How many sessions began to send it.</summary>
    internal int Sends { get; set; }

    /// <summary>The session that sends it now or sent it last, 0 for none.</summary>
    internal int SentBy { get; set; }

    /// <summary>Whether its bytes were handed back (acknowledged, skipped or dropped): nothing is sent of it any more.</summary>
    internal bool IsReleased { get; private set; }

    /// <summary>The service keeps it or refused it for good: it is never sent again.</summary>
    internal bool IsSettled => Progress is FragmentProgress.Persisted or FragmentProgress.Skipped or FragmentProgress.Dropped;

    /// <summary>Bytes of it went out on a connection the service accepted: sending it again is a resend.</summary>
    internal bool WentOut { get; set; }

    /// <summary>When its last byte went out on the session that sent it last (monotonic timestamp), 0 before.</summary>
    internal long SentAt { get; set; }

    /// <summary>Appends bytes, taking pooled chunks as needed.</summary>
    internal void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var offset = Length % ChunkSize;
            if (offset == 0 && Length / ChunkSize == _chunks.Count)
            {
                _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
            }
            var room = ChunkSize - offset;
            var count = Math.Min(room, bytes.Length);
            bytes[..count].CopyTo(_chunks[Length / ChunkSize].AsSpan(offset, count));
            Length += count;
            bytes = bytes[count..];
        }
    }

    /// <summary>Copies bytes from <paramref name="offset"/> into <paramref name="destination"/>; returns how many (0 at the end).</summary>
    internal int CopyTo(int offset, Span<byte> destination)
    {
        var copied = 0;
        while (copied < destination.Length && offset < Length)
        {
            var chunk = _chunks[offset / ChunkSize];
            var within = offset % ChunkSize;
            var count = Math.Min(Math.Min(ChunkSize - within, Length - offset), destination.Length - copied);
            chunk.AsSpan(within, count).CopyTo(destination[copied..]);
            copied += count;
            offset += count;
        }
        return copied;
    }

    /// <summary>Hands the chunks back to the pool; the fragment keeps its figures. Idempotent.</summary>
    /// <returns>The bytes released.</returns>
    internal int Release()
    {
        if (IsReleased)
        {
            return 0;
        }
        IsReleased = true;
        foreach (var chunk in _chunks)
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        _chunks.Clear();
        return Length;
    }

    /// <summary>For logs.</summary>
    public override string ToString() => $"fragment {Timecode} ({Frames} frames, {Length} B, {Progress})";
}
