namespace Backpack.Streaming.SkyLines;

/// <summary>The file format a <see cref="RecorderSkyLine"/> writes.</summary>
public enum RecordingContainer
{
    /// <summary>Matroska (<c>.mkv</c>): readable up to the last complete cluster even when the application stops abruptly.</summary>
    Matroska,

    /// <summary>MP4 (<c>.mp4</c>): the most widely playable; a file is complete only once it is closed.</summary>
    Mp4,
}
