namespace Backpack.Cli.Commands;

/// <summary>The exit codes every <c>backpack</c> command shares, so that scripts can tell them apart.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    internal const int Success = 0;

    /// <summary>
    /// The command ran but failed: a prerequisite is missing, streaming or a measurement failed, or (for
    /// <c>backpack identity</c>, as the issue fixes it) anything went wrong.
    /// </summary>
    internal const int Failed = 1;

    /// <summary>An argument was wrong; the message says what was expected. Nothing was done.</summary>
    internal const int BadInput = 2;

    /// <summary><c>backpack demo</c>: something it needs (GStreamer, an element) is not installed.</summary>
    internal const int MissingPrerequisite = 3;

    /// <summary><c>backpack demo</c>: the RTSP server cannot listen (the port is in use).</summary>
    internal const int CannotListen = 4;
}
