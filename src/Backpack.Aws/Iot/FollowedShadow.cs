namespace Backpack.Aws.Iot;

/// <summary>One followed shadow: its topics' prefix, the last version applied, the last desired state applied, the last report.</summary>
internal sealed class FollowedShadow(string? name, string prefix)
{
    internal string? Name { get; } = name;

    internal string Prefix { get; } = prefix;

    internal string Describe => Name is null ? "the classic shadow" : $"the shadow '{Name}'";

    // Read and written by the dispatch task only.
    internal long Version { get; set; } = long.MinValue;

    // Since the last connection: no get answer yet; a delta came. The first get answer may then set the version back
    // (the shadow was deleted and made again while the device was away, and its versions start again).
    internal bool AwaitingGet { get; set; }

    internal bool DeltaSinceConnect { get; set; }

    // Written by the dispatch task only, read by any thread (AppliedStreaming): -1 none yet, 0 false, 1 true.
    private int _applied = -1;

    internal bool? Applied
    {
        get => Volatile.Read(ref _applied) switch { 0 => false, 1 => true, _ => null };
        set => Volatile.Write(ref _applied, value switch { false => 0, true => 1, null => -1 });
    }

    // One report publication at a time (never disposed: no wait handle is ever asked of it).
    internal SemaphoreSlim Publishing { get; } = new(1, 1);

    // The desired value whose callback threw: not retried on the delta the failure's own report causes.
    internal bool? Failed { get; set; }

    internal StreamingReport? Report
    {
        get => Volatile.Read(ref field);
        set => Volatile.Write(ref field, value);
    }
}
