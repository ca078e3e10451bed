namespace Backpack.Streaming.Tests;

/// <summary>
/// Tests that measure the whole process (memory, handles, threads) or change process-wide
/// GStreamer settings run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Serial
{
    public const string Name = "Serial: whole-process measurements";
}
