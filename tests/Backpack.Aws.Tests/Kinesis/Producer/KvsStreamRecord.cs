namespace Backpack.Aws.Tests.Kinesis.Producer;

/// <summary>What the local endpoint holds for one stream: its fragments in arrival order, across sessions.</summary>
internal sealed class KvsStreamRecord(string name)
{
    private readonly List<KvsFragmentRecord> _fragments = [];
    private readonly HashSet<long> _timecodes = [];
    private readonly List<int> _sessions = [];

    public string Name { get; } = name;

    /// <summary>Guards the stream's state; sessions of one stream may overlap.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>The last frame's timecode of the newest fragment received (the 4004 check), null before the first.</summary>
    internal long? LastFrameTimecode { get; private set; }

    /// <summary>Every fragment received, duplicates included, in arrival order.</summary>
    public IReadOnlyList<KvsFragmentRecord> Fragments
    {
        get
        {
            lock (Gate)
            {
                return _fragments.ToArray();
            }
        }
    }

    /// <summary>The fragments stored once each (no duplicates), by timecode.</summary>
    public IReadOnlyList<KvsFragmentRecord> UniqueFragments => Fragments.Where(f => !f.Duplicate).OrderBy(f => f.Timecode).ToList();

    /// <summary>Resent fragments (a timecode the stream had) that were acknowledged and dropped.</summary>
    public int DuplicateFragments => Fragments.Count(f => f.Duplicate);

    /// <summary>The indexes of the sessions opened for this stream.</summary>
    public IReadOnlyList<int> Sessions
    {
        get
        {
            lock (Gate)
            {
                return _sessions.ToArray();
            }
        }
    }

    /// <summary>Caller holds <see cref="Gate"/>.</summary>
    internal bool HasTimecode(long timecode) => _timecodes.Contains(timecode);

    internal void AddSession(int index)
    {
        lock (Gate)
        {
            _sessions.Add(index);
        }
    }

    /// <summary>Caller holds <see cref="Gate"/>.</summary>
    internal void Add(KvsFragmentRecord fragment)
    {
        _fragments.Add(fragment);
        if (!fragment.Duplicate)
        {
            _timecodes.Add(fragment.Timecode);
            LastFrameTimecode = Math.Max(LastFrameTimecode ?? long.MinValue, fragment.LastFrameTimecode);
        }
    }

    public override string ToString() => $"stream {Name}: {Fragments.Count} fragments";
}
