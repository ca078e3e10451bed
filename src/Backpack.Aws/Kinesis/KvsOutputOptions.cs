using Amazon.Runtime;
namespace Backpack.Aws.Kinesis;

/// <summary>
/// Where and how a <see cref="KvsOutput"/> sends its video: the stream, the region and credentials, how long its
/// fragments are, how much it keeps while the service has not acknowledged it, and how long a stop waits.
/// </summary>
/// <remarks>Validated when the output is created (<see cref="Validate"/>); the messages name the option.</remarks>
public sealed class KvsOutputOptions
{
    /// <summary>The shortest fragment duration.</summary>
    public static readonly TimeSpan MinFragmentDuration = TimeSpan.FromSeconds(1);

    /// <summary>The longest fragment duration: the service refuses fragments over 10 s (error 4002).</summary>
    public static readonly TimeSpan MaxFragmentDuration = TimeSpan.FromSeconds(10);

    /// <summary>The Kinesis video stream's name: 1 to 256 of <c>a-z A-Z 0-9 _ . -</c>. Required.</summary>
    public string StreamName { get; init; } = string.Empty;

    /// <summary>The AWS region, such as <c>eu-west-1</c>; null for the environment's (<c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, the profile).</summary>
    public string? Region { get; init; }

    /// <summary>
    /// An endpoint that replaces the public control-plane endpoint (a VPC endpoint, a local test endpoint); null for
    /// <c>https://kinesisvideo.{region}.amazonaws.com</c>. The data endpoint is always the one GetDataEndpoint answers.
    /// </summary>
    public Uri? EndpointUrl { get; init; }

    /// <summary>The credentials; null for the default chain (environment, profile, web identity, container, instance role).</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>Whether to create the stream when it does not exist (needs <c>kinesisvideo:CreateStream</c>); default false.</summary>
    public bool CreateStreamIfMissing { get; init; }

    /// <summary>How a stream is created when <see cref="CreateStreamIfMissing"/> (retention hours, KMS key, tags).</summary>
    public KinesisVideoStreamSettings Creation { get; init; } = new();

    /// <summary>
    /// How long each fragment is, from 1 to 10 s; default 2 s. The encoder makes a key frame this often and every
    /// fragment starts at one; a key frame forced sooner (for a viewer of another output) stays inside the fragment.
    /// </summary>
    public TimeSpan FragmentDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most bytes kept for fragments the service has not received yet (to send again after an outage), from 1 MiB
    /// to 1 GiB; default 32 MiB (about four minutes at 1 Mbit/s). Taken as needed, never up front; when full, the oldest
    /// fragments are dropped and counted.
    /// </summary>
    public long MaxBufferedBytes { get; init; } = 32L << 20;

    /// <summary>
    /// How long a stop that drained the encoder waits for the service to acknowledge the last fragment (PERSISTED, or
    /// RECEIVED on a stream without retention), from 0 to 5 minutes; default 10 s. What is still unacknowledged then is
    /// abandoned, logged and counted. The SkyLine's own <c>StopTimeout</c> bounds how long its caller waits.
    /// </summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a connection may go without the service acknowledging a fragment sent in full before it is taken for
    /// dead and replaced, from 5 s to 5 minutes; default 30 s.
    /// </summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a PutMedia connection is used before the next fragment goes to a new one, from 1 minute to 40
    /// minutes; default 40 minutes less a random part of up to 3 minutes (the service ends connections at about 40–45
    /// minutes). A connection also ends before its credentials expire.
    /// </summary>
    public TimeSpan MaxSessionDuration { get; init; } = TimeSpan.FromMinutes(40);

    /// <summary>Where the output's meter (<c>Backpack.Aws.Kinesis</c>) comes from; null for a meter of its own.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; init; }

    /// <summary>For tests only: a session age that replaces <see cref="MaxSessionDuration"/> (and its jitter) exactly.</summary>
    internal TimeSpan? SessionRotationForTests { get; init; }

    /// <summary>The clock; the system's by default (tests use a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it and what is expected.</exception>
    public void Validate()
    {
        if (KinesisVideoWire.StreamNameProblem(StreamName) is { } problem)
        {
            throw new ArgumentException($"KvsOutputOptions.StreamName: {problem}", nameof(StreamName));
        }
        if (KinesisVideoWire.SettingsProblem(Creation ?? throw new ArgumentNullException(nameof(Creation))) is { } settings)
        {
            throw new ArgumentException($"KvsOutputOptions.Creation: {settings}", nameof(Creation));
        }
        Check(FragmentDuration >= MinFragmentDuration && FragmentDuration <= MaxFragmentDuration, nameof(FragmentDuration), FragmentDuration, "from 1 s to 10 s");
        Check(MaxBufferedBytes is >= 1L << 20 and <= 1L << 30, nameof(MaxBufferedBytes), MaxBufferedBytes, "from 1 MiB (1048576) to 1 GiB (1073741824)");
        Check(StopTimeout >= TimeSpan.Zero && StopTimeout <= TimeSpan.FromMinutes(5), nameof(StopTimeout), StopTimeout, "from 0 to 5 minutes");
        Check(AckTimeout >= TimeSpan.FromSeconds(5) && AckTimeout <= TimeSpan.FromMinutes(5), nameof(AckTimeout), AckTimeout, "from 5 s to 5 minutes");
        Check(MaxSessionDuration >= TimeSpan.FromMinutes(1) && MaxSessionDuration <= TimeSpan.FromMinutes(40), nameof(MaxSessionDuration), MaxSessionDuration, "from 1 to 40 minutes");
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }

    private static void Check(bool valid, string name, object value, string expected)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(name, value, $"KvsOutputOptions.{name} is {value}; expected {expected}.");
        }
    }
}
