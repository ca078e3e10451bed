using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Aws.Identity;

/// <summary>How <see cref="AutoIdentity"/> waits for an application whose health is not yet known.</summary>
/// <remarks>
/// Right after a deployment Panorama reports the health <c>NOT_AVAILABLE</c> for a while. AutoIdentity then
/// asks again after <see cref="FirstRetryDelay"/>, doubling the wait each time up to <see cref="MaxRetryDelay"/>,
/// at most <see cref="MaxRetries"/> times.
/// </remarks>
public sealed class AutoIdentityOptions
{
    /// <summary>The first wait. Default 5 s; zero or more.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait. Default 300 s; at least <see cref="FirstRetryDelay"/>.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How many times to ask again; 0 fails at once on <c>NOT_AVAILABLE</c>. Default 50.</summary>
    public int MaxRetries { get; init; } = 50;

    /// <summary>The clock of the waits. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the fetch is logged. Default: nowhere.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    internal void Validate(string parameterName)
    {
        if (FirstRetryDelay < TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay)
        {
            throw new ArgumentException(
                $"AutoIdentityOptions.FirstRetryDelay ({FirstRetryDelay}) must be at least 0 and at most MaxRetryDelay ({MaxRetryDelay}).", parameterName);
        }
        if (MaxRetries < 0)
        {
            throw new ArgumentException($"AutoIdentityOptions.MaxRetries must be 0 or more; it was {MaxRetries}.", parameterName);
        }
        ArgumentNullException.ThrowIfNull(TimeProvider, $"{parameterName}.{nameof(TimeProvider)}");
        ArgumentNullException.ThrowIfNull(LoggerFactory, $"{parameterName}.{nameof(LoggerFactory)}");
    }
}
