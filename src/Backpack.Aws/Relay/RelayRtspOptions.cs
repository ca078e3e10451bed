namespace Backpack.Aws.Relay;

/// <summary>The configuration's <c>rtsp</c> section: when present, every camera is served at <c>rtsp://host:port/{stream name}</c>.</summary>
/// <remarks>A plain options class for configuration binding; not thread-safe while it is being changed.</remarks>
public sealed class RelayRtspOptions
{
    /// <summary>The RTSP port, 1 to 65535 (0: any free port); default 8554.</summary>
    public int Port { get; set; } = 8554;

    /// <summary>The address to listen on; default <c>0.0.0.0</c> (every interface).</summary>
    public string Bind { get; set; } = "0.0.0.0";

    /// <summary>A user RTSP clients must log in as (with <see cref="Password"/>); null: anonymous access, warned about at start.</summary>
    public string? User { get; set; }

    /// <summary>The password of <see cref="User"/>. Never logged; keep the configuration file owner-only when it holds one.</summary>
    public string? Password { get; set; }
}
