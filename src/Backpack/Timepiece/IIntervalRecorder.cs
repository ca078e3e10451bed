namespace Backpack.Timepiece;

/// <summary>What a <see cref="StopWatchScope"/> reports to when it ends: a stopwatch or a stopwatch tachometer.</summary>
internal interface IIntervalRecorder
{
    /// <summary>Where the recorder's timestamps come from.</summary>
    TimeProvider Time { get; }

    /// <summary>Records the time from <paramref name="startTimestamp"/> (of <see cref="Time"/>) until now.</summary>
    void Stop(long startTimestamp);
}
