namespace Backpack.Aws.Iot;

/// <summary>The connection and the shadow traffic of one <see cref="DeviceShadowClient"/>, for a status line or metrics.</summary>
/// <param name="Connected">Whether the MQTT connection is up and subscribed now.</param>
/// <param name="ConnectAttempts">Connection attempts since start, the failed ones included.</param>
/// <param name="Connections">Connections that succeeded (CONNACK and subscriptions granted).</param>
/// <param name="ChangesApplied">Desired changes handed to the callback that it applied without throwing.</param>
/// <param name="StaleIgnored">Delta or get documents ignored because their version was not above the last applied one.</param>
/// <param name="CallbackFailures">Times the callback threw.</param>
/// <param name="ReportsPublished">Reported-state updates the broker acknowledged.</param>
/// <param name="ReportsRejected">Reported-state updates the shadow service rejected (<c>update/rejected</c>).</param>
/// <param name="LastError">The last connection or shadow error, in words; null when none yet.</param>
/// <param name="LastErrorAt">When <paramref name="LastError"/> happened.</param>
public sealed record DeviceShadowStatistics(
    bool Connected,
    long ConnectAttempts,
    long Connections,
    long ChangesApplied,
    long StaleIgnored,
    long CallbackFailures,
    long ReportsPublished,
    long ReportsRejected,
    string? LastError,
    DateTimeOffset? LastErrorAt)
{
    /// <summary>Connections after the first: how often a lost connection was made again.</summary>
    public long Reconnects => Math.Max(0, Connections - 1);
}
