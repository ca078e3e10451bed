namespace Backpack.Aws.Relay;

/// <summary>One camera as the relay runs it: the configuration with the relay's defaults applied and paths resolved.</summary>
/// <param name="Name">The name as configured.</param>
/// <param name="StreamName">The Kinesis stream, RTSP mount and IoT thing name.</param>
/// <param name="Source">The source as configured (may hold credentials: never log it).</param>
/// <param name="Enabled">Whether it streams at start.</param>
/// <param name="User">The RTSP user, when not in the source URL.</param>
/// <param name="Password">The RTSP password.</param>
/// <param name="UseTcp">RTSP over TCP (true) or UDP.</param>
/// <param name="Width">Width streamed, pixels.</param>
/// <param name="Height">Height streamed, pixels.</param>
/// <param name="Fps">Frames per second streamed.</param>
/// <param name="Mode">Annotated or passed through.</param>
/// <param name="CertificatePath">Its IoT certificate (absolute), when the relay has an <c>iot</c> section.</param>
/// <param name="PrivateKeyPath">Its private key (absolute), when the relay has an <c>iot</c> section.</param>
internal sealed record RelayCameraPlan(
    string Name,
    string StreamName,
    string Source,
    bool Enabled,
    string? User,
    string? Password,
    bool UseTcp,
    int Width,
    int Height,
    int Fps,
    RelayMode Mode,
    string? CertificatePath,
    string? PrivateKeyPath)
{
    /// <inheritdoc/>
    public override string ToString() => $"camera {Name} (stream {StreamName}, {Width}x{Height} at {Fps} fps, {Mode})";
}
