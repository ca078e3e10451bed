namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>One fragment (Cluster) the local endpoint received whole (it answered RECEIVED).</summary>
internal sealed class KvsFragmentRecord
{
    private volatile bool _persisted;

    /// <summary>The cluster timecode (ms, as sent; the ACKs' FragmentTimecode).</summary>
    public required long Timecode { get; init; }

    /// <summary>The FragmentNumber its ACKs carry (47 digits).</summary>
    public required string FragmentNumber { get; init; }

    public required int FrameCount { get; init; }

    /// <summary>The whole Cluster element's size in bytes (header included).</summary>
    public required long ByteSize { get; init; }

    /// <summary>The first SimpleBlock had the key-frame flag.</summary>
    public required bool StartsWithKeyFrame { get; init; }

    /// <summary>The index of the PutMedia session (<see cref="KvsSessionRecord.Index"/>) it came in.</summary>
    public required int SessionIndex { get; init; }

    /// <summary>Where the Cluster starts in its session's bytes.</summary>
    public required long SessionOffset { get; init; }

    /// <summary>A resend of a timecode the stream already had: acknowledged, but not stored twice.</summary>
    public required bool Duplicate { get; init; }

    /// <summary>The timecode of its last frame (ms).</summary>
    public required long LastFrameTimecode { get; init; }

    /// <summary>PERSISTED was sent (never with retention 0).</summary>
    public bool Persisted
    {
        get => _persisted;
        set => _persisted = value;
    }

    public override string ToString() => $"fragment {Timecode} ({FrameCount} frames, {ByteSize} B, session {SessionIndex}{(Duplicate ? ", duplicate" : "")}{(Persisted ? ", persisted" : "")})";
}
