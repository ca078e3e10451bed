namespace Backpack.Aws.Iot;

/// <summary>A change of <c>desired.streaming</c> the device should apply: start or stop one camera's stream.</summary>
/// <param name="ShadowName">The named shadow it came from; null for the thing's classic shadow.</param>
/// <param name="Streaming">Whether the stream should run.</param>
/// <param name="Version">The shadow document's version it came with; later changes have higher versions.</param>
/// <param name="FromGet">
/// True when it came from the whole shadow read at (re)connect (a change made while the device was offline, or the
/// state to start in); false for a live <c>update/delta</c>.
/// </param>
public sealed record DesiredStreamingChange(string? ShadowName, bool Streaming, long Version, bool FromGet);
