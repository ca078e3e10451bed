using Microsoft.Extensions.Logging;

namespace Backpack.Streaming.SkyLines;

/// <summary>What a SkyLine logs, generated once (no formatting cost when the level is off).</summary>
public partial class SkyLine
{
    [LoggerMessage(Level = LogLevel.Information, Message = "SkyLine {Name} encodes with the given description {Encoder}")]
    private static partial void LogEncoderGiven(ILogger logger, string name, string encoder);

    [LoggerMessage(Level = LogLevel.Information, Message = "SkyLine {Name} encodes with {Element} (software); no hardware H.264 encoder works on this machine (checked: {Checked})")]
    private static partial void LogSoftwareEncoder(ILogger logger, string name, string element, string @checked);

    [LoggerMessage(Level = LogLevel.Information, Message = "SkyLine {Name} encodes with the hardware encoder {Element}")]
    private static partial void LogHardwareEncoder(ILogger logger, string name, string element);

    [LoggerMessage(Level = LogLevel.Information, Message = "SkyLine {Name} warms up over {Frames} frames (fps {FrameRate}, width {Width}, height {Height}); those frames are measured, not sent")]
    private static partial void LogWarmupStarting(ILogger logger, string name, int frames, string frameRate, string width, string height);

    [LoggerMessage(Level = LogLevel.Information, Message = "SkyLine {Name} measured {Format} during the warmup")]
    private static partial void LogWarmupDone(ILogger logger, string name, StreamFormat format);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SkyLine {Name}: the {Count} warmup frames were all put at the same instant; the frame rate cannot be measured, 30 fps is used")]
    private static partial void LogWarmupWithoutTime(ILogger logger, string name, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SkyLine {Name}: {Previous} -> {Current}")]
    private static partial void LogStateChanged(ILogger logger, string name, SkyLineState previous, SkyLineState current);

    [LoggerMessage(Level = LogLevel.Error, Message = "SkyLine {Name}: the output failed to follow the state {State}")]
    private static partial void LogStateHookFailed(ILogger logger, Exception exception, string name, SkyLineState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SkyLine {Name}: frames of {Width}x{Height} are scaled to the stream's {StreamWidth}x{StreamHeight}, which costs CPU; put frames of the stream's size or start streaming with this size")]
    private static partial void LogFrameScaled(ILogger logger, string name, int width, int height, int streamWidth, int streamHeight);

    [LoggerMessage(Level = LogLevel.Information, Message = "SkyLine {Name} streams {Format} through {Encoder}")]
    private static partial void LogStreaming(ILogger logger, string name, StreamFormat format, string encoder);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SkyLine {Name} pipeline: {Description}")]
    private static partial void LogPipeline(ILogger logger, string name, string description);

    [LoggerMessage(Level = LogLevel.Error, Message = "SkyLine {Name}: the pipeline could not start: {Reason}")]
    private static partial void LogStartFailed(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "SkyLine {Name}: pipeline error from {Source}: {Text} (debug: {Debug})")]
    private static partial void LogPipelineError(ILogger logger, string name, string source, string text, string debug);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SkyLine {Name}: pipeline warning from {Source}: {Text} (debug: {Debug})")]
    private static partial void LogPipelineWarning(ILogger logger, string name, string source, string text, string debug);

    [LoggerMessage(Level = LogLevel.Error, Message = "SkyLine {Name}: the output ended the stream while it was running")]
    private static partial void LogUnexpectedEndOfStream(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "SkyLine {Name}: the thread feeding the pipeline failed")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "SkyLine {Name}: the thread feeding the pipeline did not stop within {Seconds} s of a flush; the pipeline is left allocated rather than freed under it")]
    private static partial void LogFeedStuck(ILogger logger, string name, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SkyLine {Name}: the encoder {Encoder} failed ({Reason}); falling back to x264enc for good")]
    private static partial void LogEncoderFallBack(ILogger logger, string name, string encoder, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SkyLine {Name}: the output {Output} did not finish within {Seconds} s of the stop; what it writes may be incomplete")]
    private static partial void LogOutputSlowToFinish(ILogger logger, string name, string output, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SkyLine {Name}: an asynchronous stop still drains after its timeouts; going on without it")]
    private static partial void LogPendingStopSlow(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SkyLine {Name}: the output did not finish within {Seconds} s of the stop; the last frames may be missing")]
    private static partial void LogStopTimeout(ILogger logger, string name, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SkyLine {Name} restarts in {Seconds} s (attempt {Attempt})")]
    private static partial void LogRestartScheduled(ILogger logger, string name, double seconds, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "SkyLine {Name} restarted its pipeline (attempt {Attempt})")]
    private static partial void LogRestarted(ILogger logger, string name, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SkyLine {Name} stays in error: automatic restarts are disabled; call StartStreaming to try again")]
    private static partial void LogNoRestart(ILogger logger, string name);
}
