namespace Backpack.Aws.Kinesis.Producer;

/// <summary>How a PutMedia session ended, and what the supervisor does next.</summary>
/// <param name="Reason">What happened, without secrets (for logs and the output's last error).</param>
/// <param name="Kind">Ended well, failed, or stopped by the producer.</param>
/// <param name="Status">The HTTP status the service refused with, if it did.</param>
/// <param name="RetryAfter">The wait the service asked for, if any.</param>
/// <param name="ReloadEndpoint">Ask GetDataEndpoint again before the next attempt (connection refused, 404, 5xx).</param>
/// <param name="Immediate">Try again at once, without back-off (an old connection, a refused fragment).</param>
internal sealed record SessionEnd(
    string Reason, SessionEndKind Kind, int? Status = null, TimeSpan? RetryAfter = null, bool ReloadEndpoint = false, bool Immediate = false);
