namespace Backpack.Aws.Iot;

/// <summary>
/// What a camera's stream really does, written to its shadow as <c>state.reported</c>:
/// <c>{"streaming":true,"fps":15,"since":1733100000,"lastError":null}</c>. A null value is written as JSON
/// <c>null</c>, which deletes that attribute from the shadow (so a cleared error disappears).
/// </summary>
/// <param name="Streaming">Whether the stream is running now (<c>reported.streaming</c>).</param>
/// <param name="FramesPerSecond">The frame rate it runs at, frames per second (<c>reported.fps</c>); null when not measured or stopped.</param>
/// <param name="Since">When it last started or stopped (<c>reported.since</c>, whole seconds since the Unix epoch); null when unknown.</param>
/// <param name="LastError">The last error of the stream or of applying a change (<c>reported.lastError</c>); null when none.</param>
public sealed record StreamingReport(bool Streaming, double? FramesPerSecond = null, DateTimeOffset? Since = null, string? LastError = null);
