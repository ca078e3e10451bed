namespace Backpack.Aws.Http;

/// <summary>Exponential backoff with full jitter, as the AWS SDKs use it.</summary>
internal static class RetryBackoff
{
    /// <summary>
    /// The wait before retry <paramref name="retry"/> (1 for the first retry): uniformly random in
    /// <c>[0, min(maxDelay, baseDelay * 2^(retry-1))]</c>, but never shorter than a <c>Retry-After</c> the
    /// service asked for (itself capped at <paramref name="maxDelay"/>).
    /// </summary>
    /// <param name="retry">The retry number, 1 or more.</param>
    /// <param name="baseDelay">The base delay.</param>
    /// <param name="maxDelay">The cap.</param>
    /// <param name="random">A number in [0, 1).</param>
    /// <param name="retryAfter">The service's <c>Retry-After</c>, if any.</param>
    internal static TimeSpan Delay(int retry, TimeSpan baseDelay, TimeSpan maxDelay, double random, TimeSpan? retryAfter = null)
    {
        var exponent = Math.Min(retry - 1, 30);
        var ceiling = Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, exponent));
        var delay = TimeSpan.FromTicks((long)(ceiling * random));
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < maxDelay ? asked : maxDelay;
        }
        return delay;
    }
}
