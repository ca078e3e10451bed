namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>One PutMedia session the local endpoint accepted (answered 200): its headers, raw body and ACKs.</summary>
internal sealed class KvsSessionRecord
{
    private readonly Lock _gate = new();
    private byte[] _bytes = new byte[64 * 1024];
    private int _length;
    private readonly List<string> _acks = [];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _outcome;

    public required int Index { get; init; }

    public required string StreamName { get; init; }

    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The access key the request was signed with.</summary>
    public required string AccessKey { get; init; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The body bytes received so far (a copy).</summary>
    public byte[] Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes.AsSpan(0, _length).ToArray();
            }
        }
    }

    /// <summary>The ACK lines written to the response, in order, without the newline.</summary>
    public IReadOnlyList<string> Acks
    {
        get
        {
            lock (_gate)
            {
                return _acks.ToArray();
            }
        }
    }

    /// <summary>The EOFR tag (AWS_KINESISVIDEO_END_OF_FRAGMENT) arrived in this session.</summary>
    public bool EndOfFragmentTagSeen { get; set; }

    /// <summary>How the session ended: <c>completed</c>, <c>error 4004 …</c>, <c>dropped</c>, <c>idle timeout</c>, <c>client gone</c>; null while it runs.</summary>
    public string? Outcome
    {
        get
        {
            lock (_gate)
            {
                return _outcome;
            }
        }
    }

    /// <summary>Completes when the session ended.</summary>
    public Task Ended => _ended.Task;

    internal void Append(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (_length + data.Length > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + data.Length));
            }
            data.CopyTo(_bytes.AsSpan(_length));
            _length += data.Length;
        }
    }

    internal byte[] Slice(long offset, long length)
    {
        lock (_gate)
        {
            return _bytes.AsSpan((int)offset, (int)length).ToArray();
        }
    }

    internal void AddAck(string json)
    {
        lock (_gate)
        {
            _acks.Add(json);
        }
    }

    /// <summary>Sets the outcome unless one is set already (the first reason wins).</summary>
    internal void SetOutcome(string outcome)
    {
        lock (_gate)
        {
            _outcome ??= outcome;
        }
    }

    internal void End()
    {
        SetOutcome("completed");
        _ended.TrySetResult();
    }

    public override string ToString() => $"session {Index} ({StreamName}): {Outcome ?? "running"}";
}
