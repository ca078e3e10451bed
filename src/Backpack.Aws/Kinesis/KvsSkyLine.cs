using Backpack.Aws.Kinesis.KvsSink;
using Backpack.Streaming.Outputs;
using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Aws.Kinesis;

/// <summary>
/// A SkyLine that streams to Amazon Kinesis Video Streams, as the original Backpack's <c>KVSSkyLine</c>: by default
/// through the managed PutMedia producer (<see cref="KvsOutput"/>, nothing to install), or through <c>kvssink</c>
/// where the KVS Producer SDK's GStreamer plugin is installed and wanted.
/// </summary>
/// <remarks>
/// <para>
/// Other outputs may be attached too (<see cref="SkyLine.Attach"/>: RTSP, recordings) and share the one encoder. With the
/// managed producer, network and service failures stay inside the output (retried, counted, shown in its statistics) and
/// never stop the SkyLine. With kvssink, a failure of kvssink's pipeline is the SkyLine's: it moves to
/// <see cref="SkyLineState.Error"/> and restarts as configured. Thread safety as <see cref="SkyLine"/>.
/// </para>
/// <para>
/// A stop that drains the encoder waits for the last fragment's acknowledgement up to <see cref="KvsOutputOptions.StopTimeout"/>,
/// within the SkyLine's own <see cref="SkyLineOptions.StopTimeout"/>: without options given, that is made 2 s longer than
/// the output's; with options, make it the longer of the two to wait for the acknowledgement.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var skyLine = new KvsSkyLine(new KvsOutputOptions { StreamName = "dock-3", Region = "eu-west-1", CreateStreamIfMissing = true });
/// skyLine.StartStreaming(fps: 30, width: 1280, height: 720);
/// skyLine.Put(frame);
/// </code>
/// With kvssink:
/// <code>
/// await using var credentials = new KvsEnvironmentCredentialsHandler();
/// await credentials.StartAsync();
/// using var skyLine = new KvsSkyLine(new KvsSinkDescriptionBuilder("dock-3", "eu-west-1") { Credentials = credentials, StorageSizeMegabytes = 64 });
/// </code>
/// </example>
public sealed class KvsSkyLine : SkyLine
{
    private readonly KvsOutput? _output;
    private readonly string _masked;

    /// <summary>Prepares a SkyLine that sends to a Kinesis video stream with the managed producer.</summary>
    /// <param name="kinesis">The stream and how to send to it.</param>
    /// <param name="options">How to stream; null for the defaults.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="kinesis"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid (the message names it), or no region is known.</exception>
    public KvsSkyLine(KvsOutputOptions kinesis, SkyLineOptions? options = null, ILoggerFactory? loggerFactory = null)
        : base(options ?? DefaultOptions(kinesis), loggerFactory)
    {
        _output = new KvsOutput(kinesis, loggerFactory);
        StreamName = kinesis.StreamName;
        _masked = $"managed PutMedia to {kinesis.StreamName} ({_output.Region})";
        AttachPrimaryOutput(_output);
    }

    /// <summary>Prepares a SkyLine that sends through kvssink (the KVS Producer SDK's GStreamer plugin, installed by the user).</summary>
    /// <param name="kvsSink">kvssink's properties and credentials (a started handler or an IoT certificate).</param>
    /// <param name="options">How to stream; null for the defaults.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="kvsSink"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The builder has no credentials, or its handler is not started.</exception>
    /// <exception cref="Streaming.Runtime.GStreamerUnavailableException">kvssink is not installed; the message says where it comes from.</exception>
    public KvsSkyLine(KvsSinkDescriptionBuilder kvsSink, SkyLineOptions? options = null, ILoggerFactory? loggerFactory = null)
        : base(options, loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(kvsSink);
        var description = $"h264parse ! {KvsSinkDescriptionBuilder.InputCaps} ! {kvsSink.Build()}";
        StreamName = kvsSink.StreamName;
        _masked = $"kvssink: {kvsSink}";
        AttachPrimaryOutput(new SinkOutput(Options.Name, description, loggerFactory));
    }

    /// <summary>The defaults, with a stop that waits for the last acknowledgement as long as the output does.</summary>
    private static SkyLineOptions DefaultOptions(KvsOutputOptions kinesis)
    {
        ArgumentNullException.ThrowIfNull(kinesis);
        var defaults = new SkyLineOptions();
        var wanted = kinesis.StopTimeout + TimeSpan.FromSeconds(2);
        return defaults.StopTimeout >= wanted ? defaults : new SkyLineOptions { StopTimeout = wanted };
    }

    /// <summary>The Kinesis video stream's name.</summary>
    public string StreamName { get; }

    /// <summary>Whether this SkyLine sends through kvssink rather than the managed producer.</summary>
    public bool UsesKvsSink => _output is null;

    /// <summary>The managed producer's output (its figures: <see cref="KvsOutput.KinesisStatistics"/>), or null with kvssink.</summary>
    public KvsOutput? Output => _output;

    /// <summary>The stream and the way it is sent, with secrets masked.</summary>
    public override string ToString() => $"KvsSkyLine {Options.Name}: {_masked}";
}
