namespace Backpack.Streaming.Runtime;

/// <summary>One native piece that Backpack.Streaming uses at run time, and whether this machine has it.</summary>
/// <param name="Name">The element, library or runtime checked, such as <c>x264enc</c>.</param>
/// <param name="IsRequired">True when SkyLine or the RTSP server cannot work without it; false for optional pieces (hardware encoders, kvssink).</param>
/// <param name="IsPresent">True when it was found through the GStreamer registry or the dynamic loader.</param>
/// <param name="Package">The Debian package that provides it, or a sentence saying where it comes from when Debian does not ship it.</param>
/// <param name="Detail">The version or providing plugin when present; why it is missing otherwise.</param>
public sealed record Prerequisite(string Name, bool IsRequired, bool IsPresent, string Package, string Detail);
