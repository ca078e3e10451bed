using System.Globalization;
using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.SkyLines;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.Outputs;

/// <summary>
/// An output that records the encoded stream to Matroska or MP4 files, as one file per stream or split into
/// segments of a given duration, without encoding again. A recorder never overwrites a file it wrote itself:
/// each stream (each start of the SkyLine and each restart after an error) and each segment goes to a file of
/// its own. <see cref="RecorderSkyLine"/> is a SkyLine with one of these as its output; attached to any other
/// SkyLine (an RTSP stream, Kinesis), it records what that SkyLine encodes.
/// </summary>
/// <remarks>
/// <para>
/// File names come from <see cref="Path"/>: a pattern may hold <c>{0}</c>, the file's number
/// (0, 1, 2, … across the recorder's life; formats such as <c>{0:D5}</c> apply) and <c>{1}</c>, the
/// time the file was opened (local time of the recorder's time provider; such as <c>{1:yyyyMMdd-HHmmss}</c>).
/// Without a placeholder, the first file has the path as given and later ones get <c>-1</c>,
/// <c>-2</c>, … before the extension (segments: <c>-00000</c>, <c>-00001</c>, …).
/// </para>
/// <para>Presentation times start at zero in each file; each file starts with a key frame. Thread safe.</para>
/// </remarks>
public sealed partial class RecorderOutput : SinkOutput, INativeCallbackTarget
{
    private const string MuxerName = "backpack_recorder";
    private readonly Lock _filesGate = new();
    private readonly List<string> _completedFiles = [];
    private readonly string _path;
    private readonly bool _hasPattern;
    private readonly TimeProvider _clock;
    private SignalConnection? _naming;
    private int _fileIndex;

    /// <summary>Prepares a recorder.</summary>
    /// <param name="path">The file path or file-name pattern (see the remarks); its directory must exist.</param>
    /// <param name="container">The file format; null to take it from the extension (.mkv, .mka, .webm → Matroska; .mp4, .m4v, .mov → MP4).</param>
    /// <param name="segmentDuration">Split into files of this duration (from 1 s to 24 h; each file starts with a key frame); null for one file per stream.</param>
    /// <param name="name">A name for logs and statistics; null for <c>recorder</c>.</param>
    /// <param name="timeProvider">The clock of the <c>{1}</c> placeholder; null for the system's.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="ArgumentException">The path is empty, its directory does not exist, its pattern is malformed, the container cannot be told from the extension, or the segment duration is out of range.</exception>
    /// <exception cref="Runtime.GStreamerUnavailableException">GStreamer or a muxer is not installed; the message names the Debian package.</exception>
    public RecorderOutput(
        string path, RecordingContainer? container = null, TimeSpan? segmentDuration = null,
        string? name = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : base(name ?? "recorder", loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is null || !Directory.Exists(directory))
        {
            throw new ArgumentException($"The directory of '{path}' does not exist; expected a path in an existing directory.", nameof(path));
        }
        _hasPattern = path.Contains('{', StringComparison.Ordinal);
        if (_hasPattern)
        {
            try
            {
                _ = string.Format(CultureInfo.InvariantCulture, path, 0, DateTime.Now);
            }
            catch (FormatException exception)
            {
                throw new ArgumentException(
                    $"'{path}' is not a valid file-name pattern: {exception.Message} Expected placeholders {{0}} (file number) and {{1}} (opening time), such as 'cam-{{0:D5}}.mkv'; write {{{{ and }}}} for braces.",
                    nameof(path), exception);
            }
        }
        Container = container ?? FromExtension(path);
        if (segmentDuration is { } duration && (duration < TimeSpan.FromSeconds(1) || duration > TimeSpan.FromHours(24)))
        {
            throw new ArgumentOutOfRangeException(nameof(segmentDuration), duration, "Expected a segment duration from 1 second to 24 hours, or null for one file per stream.");
        }
        SegmentDuration = segmentDuration;
        _path = System.IO.Path.GetFullPath(path);
        _clock = timeProvider ?? TimeProvider.System;
        GStreamerRuntime.RequireElements(["appsrc", "h264parse", "splitmuxsink", Muxer], "Recording");
    }

    /// <summary>The path or pattern files are named from (full path).</summary>
    public string Path => _path;

    /// <summary>The file format.</summary>
    public RecordingContainer Container { get; }

    /// <summary>The duration of each file, or null for one file per stream.</summary>
    public TimeSpan? SegmentDuration { get; }

    /// <summary>The files closed so far (complete and playable), in order.</summary>
    public IReadOnlyList<string> CompletedFiles
    {
        get
        {
            lock (_filesGate)
            {
                return [.. _completedFiles];
            }
        }
    }

    /// <inheritdoc/>
    protected override string Kind => "recorder";

    /// <inheritdoc/>
    protected internal override TimeSpan? KeyFrameSpacing => SegmentDuration;

    /// <inheritdoc/>
    ILogger INativeCallbackTarget.CallbackLogger => Logger;

    /// <inheritdoc/>
    string INativeCallbackTarget.CallbackContext => $"recorder {Name}";

    private string Muxer => Container == RecordingContainer.Mp4 ? "mp4mux" : "matroskamux";

    /// <summary>The path and container.</summary>
    public override string ToString() => $"{Kind} output {Name}: {_path} ({Container})";

    /// <summary>The name of the next file: the pattern formatted, or the plain path with a number from the second file on.</summary>
    internal string NextFileName()
    {
        var index = Interlocked.Increment(ref _fileIndex) - 1;
        if (_hasPattern)
        {
            return string.Format(CultureInfo.InvariantCulture, _path, index, _clock.GetLocalNow().DateTime);
        }
        if (SegmentDuration is null && index == 0)
        {
            return _path;
        }
        var suffix = SegmentDuration is null
            ? index.ToString(CultureInfo.InvariantCulture)
            : index.ToString("D5", CultureInfo.InvariantCulture);
        var directory = System.IO.Path.GetDirectoryName(_path)!;
        return System.IO.Path.Combine(directory, $"{System.IO.Path.GetFileNameWithoutExtension(_path)}-{suffix}{System.IO.Path.GetExtension(_path)}");
    }

    /// <inheritdoc/>
    private protected override string DescriptionFor(StreamFormat format)
    {
        var split = SegmentDuration is { } duration
            ? string.Create(CultureInfo.InvariantCulture, $" max-size-time={(ulong)duration.Ticks * 100} send-keyframe-requests=true")
            : string.Empty;
        // The file names come from the format-location signal (see OnPipelineCreated), never from location.
        return $"h264parse ! splitmuxsink name={MuxerName} muxer-factory={Muxer} async-finalize=false{split}";
    }

    private protected override unsafe void OnPipelineCreated(Pipeline pipeline)
    {
        using var muxer = pipeline.GetElement(MuxerName);
        _naming = SignalConnection.Connect(muxer, "format-location", (nint)(delegate* unmanaged<nint, uint, nint, nint>)&FormatLocation, this);
    }

    private protected override void OnPipelineStopping(Pipeline pipeline)
    {
        _naming?.Dispose();
        _naming = null;
    }

    private protected override void OnElementMessage(BusMessage message)
    {
        if (message.StructureName == "splitmuxsink-fragment-closed" && message.GetString("location") is { } location)
        {
            lock (_filesGate)
            {
                _completedFiles.Add(location);
            }
            LogFileClosed(Logger, Name, location);
        }
    }

    [UnmanagedCallersOnly]
    private static unsafe nint FormatLocation(nint splitmux, uint fragment, nint state) =>
        // On a failure splitmuxsink falls back to its location property.
        NativeBoundary.Enter<RecorderOutput, uint, nint>("splitmuxsink format-location", state, fragment, &FormatLocation, 0);

    private static nint FormatLocation(RecorderOutput recorder, uint fragment) => GLib.StrDup(recorder.NextFileName());

    private static RecordingContainer FromExtension(string path) =>
        System.IO.Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".MKV" or ".MKA" or ".WEBM" => RecordingContainer.Matroska,
            ".MP4" or ".M4V" or ".MOV" => RecordingContainer.Mp4,
            var other => throw new ArgumentException(
                $"The container cannot be told from the extension '{other}' of '{path}'; use .mkv or .mp4, or pass the container.", nameof(path)),
        };

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorder {Name} closed {File}")]
    private static partial void LogFileClosed(ILogger logger, string name, string file);
}
