using Backpack.Streaming.Outputs;
using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.SkyLines;

/// <summary>
/// A SkyLine that records to Matroska or MP4 files, as one file per session or split into segments
/// of a given duration: a SkyLine whose output is a <see cref="RecorderOutput"/>. A recorder never
/// overwrites a file it wrote itself: each session (each start and each restart after an error) and
/// each segment goes to a file of its own.
/// </summary>
/// <remarks>
/// <para>
/// File names come from <see cref="Path"/>: a pattern may hold <c>{0}</c>, the file's number
/// (0, 1, 2, … across the recorder's life; formats such as <c>{0:D5}</c> apply) and <c>{1}</c>, the
/// time the file was opened (the options' clock, local time; such as <c>{1:yyyyMMdd-HHmmss}</c>).
/// Without a placeholder, the first file has the path as given and later ones get <c>-1</c>,
/// <c>-2</c>, … before the extension (segments: <c>-00000</c>, <c>-00001</c>, …).
/// </para>
/// <para>
/// Presentation times start at zero in each file. Other outputs may be attached too (<see cref="SkyLine.Attach"/>):
/// they share the one encoder. A failure of the recording is the SkyLine's: it moves to
/// <see cref="SkyLineState.Error"/> and restarts as configured. Thread safety as <see cref="SkyLine"/>.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// // Ten-minute MP4 segments named by their start time.
/// using var recorder = new RecorderSkyLine("/data/cam1-{1:yyyyMMdd-HHmmss}.mp4", segmentDuration: TimeSpan.FromMinutes(10));
/// recorder.StartStreaming(fps: 15, width: 1280, height: 720);
/// </code>
/// </example>
public sealed class RecorderSkyLine : SkyLine
{
    private readonly RecorderOutput _output;

    /// <summary>Prepares a recorder.</summary>
    /// <param name="path">The file path or file-name pattern (see the remarks); its directory must exist.</param>
    /// <param name="container">The file format; null to take it from the extension (.mkv, .mka, .webm → Matroska; .mp4, .m4v, .mov → MP4).</param>
    /// <param name="segmentDuration">Split into files of this duration (from 1 s to 24 h; each file starts with a key frame); null for one file per session.</param>
    /// <param name="options">How to stream; null for the defaults.</param>
    /// <param name="loggerFactory">Where logs go; null for none.</param>
    /// <exception cref="ArgumentException">The path is empty, its directory does not exist, its pattern is malformed, the container cannot be told from the extension, or the segment duration is out of range.</exception>
    /// <exception cref="Runtime.GStreamerUnavailableException">GStreamer or a muxer is not installed; the message names the Debian package.</exception>
    public RecorderSkyLine(
        string path, RecordingContainer? container = null, TimeSpan? segmentDuration = null,
        SkyLineOptions? options = null, ILoggerFactory? loggerFactory = null)
        : base(options, loggerFactory)
    {
        _output = new RecorderOutput(path, container, segmentDuration, Options.Name, Options.TimeProvider, loggerFactory);
        AttachPrimaryOutput(_output);
    }

    /// <summary>The path or pattern files are named from (full path).</summary>
    public string Path => _output.Path;

    /// <summary>The file format.</summary>
    public RecordingContainer Container => _output.Container;

    /// <summary>The duration of each file, or null for one file per session.</summary>
    public TimeSpan? SegmentDuration => _output.SegmentDuration;

    /// <summary>The files closed so far (complete and playable), in order.</summary>
    public IReadOnlyList<string> CompletedFiles => _output.CompletedFiles;
}
