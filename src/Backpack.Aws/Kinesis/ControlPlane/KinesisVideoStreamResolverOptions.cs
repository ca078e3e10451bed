using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Aws.Kinesis;

/// <summary>Which stream <see cref="KinesisVideoStreamResolver"/> resolves, whether it may create it, and how long it waits for it.</summary>
public sealed class KinesisVideoStreamResolverOptions
{
    /// <summary>The stream's name: 1 to 256 letters, digits, <c>_</c>, <c>.</c> or <c>-</c>. Required.</summary>
    public string StreamName { get; init; } = "";

    /// <summary>
    /// Create the stream with <see cref="Creation"/> when it does not exist (needs <c>kinesisvideo:CreateStream</c>).
    /// Default <see langword="false"/>: a missing stream is an error, so a typo never creates (and bills) a stream.
    /// </summary>
    public bool CreateIfMissing { get; init; }

    /// <summary>The settings of a stream created because of <see cref="CreateIfMissing"/>. Default: 2 hours of retention, the service's KMS key, no tags, <c>video/h264</c>.</summary>
    public KinesisVideoStreamSettings Creation { get; init; } = new();

    /// <summary>
    /// How long a stream that is <c>CREATING</c> or <c>UPDATING</c> may take to become <c>ACTIVE</c>, measured on
    /// <see cref="TimeProvider"/> from the first time it was seen not active. Default 60 s; more than zero and at most one hour.
    /// </summary>
    public TimeSpan ActiveTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The wait between two DescribeStream calls while waiting for <c>ACTIVE</c> (the service allows 5 calls per second per
    /// stream). Default 1 s; more than zero and at most <see cref="ActiveTimeout"/>.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The clock of the waits for <c>ACTIVE</c>. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the resolver logs what it found, created and waited for. Default: nowhere.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Checks every property.</summary>
    /// <exception cref="ArgumentException">A property is out of range.</exception>
    internal void Validate(string parameterName)
    {
        if (KinesisVideoWire.StreamNameProblem(StreamName) is { } name)
        {
            throw new ArgumentException("KinesisVideoStreamResolverOptions.StreamName: " + name, parameterName);
        }
        ArgumentNullException.ThrowIfNull(Creation, $"{parameterName}.{nameof(Creation)}");
        if (KinesisVideoWire.SettingsProblem(Creation) is { } settings)
        {
            throw new ArgumentException("KinesisVideoStreamResolverOptions.Creation: " + settings, parameterName);
        }
        if (ActiveTimeout <= TimeSpan.Zero || ActiveTimeout > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"KinesisVideoStreamResolverOptions.ActiveTimeout must be more than 0 and at most 1 hour; it was {ActiveTimeout}.", parameterName);
        }
        if (PollInterval <= TimeSpan.Zero || PollInterval > ActiveTimeout)
        {
            throw new ArgumentException($"KinesisVideoStreamResolverOptions.PollInterval must be more than 0 and at most ActiveTimeout ({ActiveTimeout}); it was {PollInterval}.", parameterName);
        }
        ArgumentNullException.ThrowIfNull(TimeProvider, $"{parameterName}.{nameof(TimeProvider)}");
        ArgumentNullException.ThrowIfNull(LoggerFactory, $"{parameterName}.{nameof(LoggerFactory)}");
    }
}
