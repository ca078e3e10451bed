namespace Backpack.Streaming.Outputs;

/// <summary>Where an output of a SkyLine is in its life.</summary>
public enum OutputState
{
    /// <summary>Not attached to a SkyLine, or detached.</summary>
    Detached,

    /// <summary>Attached; the SkyLine sends nothing now (stopped, warming up, or the output needs no frames).</summary>
    Idle,

    /// <summary>Receiving frames and writing them.</summary>
    Running,

    /// <summary>Its last write failed (see <see cref="OutputStatistics.LastError"/>); it goes on with the next key frame.</summary>
    Error,
}
