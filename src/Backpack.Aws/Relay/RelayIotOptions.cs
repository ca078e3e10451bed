namespace Backpack.Aws.Relay;

/// <summary>
/// The configuration's <c>iot</c> section: every camera authenticates with its own X.509 certificate through the AWS IoT
/// credentials provider (no AWS keys on the device), and with <see cref="DataEndpoint"/> set its streaming is switched
/// on and off through its device shadow over MQTT.
/// </summary>
/// <remarks>
/// In <see cref="Certificate"/>, <see cref="PrivateKey"/> and <see cref="RootCa"/>, <c>{camera}</c> stands for the camera's
/// stream name, which is also its IoT thing name. Relative paths are relative to the configuration file's folder.
/// A plain options class for configuration binding; not thread-safe while it is being changed.
/// </remarks>
public sealed class RelayIotOptions
{
    /// <summary>The account's credentials endpoint, a host or <c>host:port</c> (default port 443). Required.</summary>
    public string? CredentialsEndpoint { get; set; }

    /// <summary>The role alias whose role the cameras' credentials are for. Required.</summary>
    public string? RoleAlias { get; set; }

    /// <summary>The certificate of each camera, a PEM file; default <c>certs/{camera}-cert.pem</c>.</summary>
    public string Certificate { get; set; } = "certs/{camera}-cert.pem";

    /// <summary>Its private key, a PEM file readable by its owner only; default <c>certs/{camera}-private.key</c>.</summary>
    public string PrivateKey { get; set; } = "certs/{camera}-private.key";

    /// <summary>The root CA the endpoints' certificates chain to (PEM); null: the system's CA store.</summary>
    public string? RootCa { get; set; }

    /// <summary>
    /// The account's MQTT endpoint (<c>iot:Data-ATS</c>), a host or <c>host:port</c> (default port 8883); null: no remote
    /// control, cameras stream as <see cref="RelayCameraOptions.Enabled"/> says.
    /// </summary>
    public string? DataEndpoint { get; set; }

    /// <summary>
    /// Null (default): each camera's own thing shadow carries its <c>desired.streaming</c>. A thing name: one named
    /// shadow per camera (named after the camera's stream) on that device thing instead.
    /// </summary>
    public string? DeviceThing { get; set; }
}
