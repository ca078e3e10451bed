using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// Counts the criticals and warnings GLib, GObject, GIO and GStreamer report through g_log (a failed
/// <c>g_return_if_fail</c> is a critical: native code was called in a state it does not allow), keeps the
/// last few, and passes every message on to GLib's default handler, so stderr shows what it showed before.
/// </summary>
/// <remarks>Process-wide, installed once (by the first <see cref="EnsureInstalled"/>). Thread safe.</remarks>
internal static unsafe class GLibMessages
{
    private const int Kept = 16;

    private static readonly string?[] Domains = [null, "GLib", "GLib-GObject", "GLib-GIO", "GStreamer", "GStreamer-RTSP"];
    private static readonly Lock Gate = new();
    private static readonly Queue<string> Recent = new();
    private static bool _installed;
    private static long _criticals;
    private static long _warnings;

    /// <summary>Criticals reported since the handlers were installed.</summary>
    internal static long Criticals => Interlocked.Read(ref _criticals);

    /// <summary>Warnings reported since the handlers were installed.</summary>
    internal static long Warnings => Interlocked.Read(ref _warnings);

    /// <summary>The last messages (up to 16), oldest first, as <c>CRITICAL GLib-GIO: text</c>.</summary>
    internal static IReadOnlyList<string> Last
    {
        get
        {
            lock (Gate)
            {
                return [.. Recent];
            }
        }
    }

    /// <summary>Installs the handlers once; later calls do nothing.</summary>
    internal static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (_installed)
            {
                return;
            }
            foreach (var domain in Domains)
            {
                _ = GLib.LogSetHandler(domain, GLib.LogCriticalsAndWarnings, &OnMessage, 0);
            }
            _installed = true;
        }
    }

    [UnmanagedCallersOnly]
    private static void OnMessage(nint domain, int level, nint message, nint state) =>
        NativeBoundary.Run("GLib log handler", new Message(domain, level, message), &Record);

    private static void Record(Message entry)
    {
        var critical = (entry.Level & GLib.LogLevelCritical) != 0;
        Interlocked.Increment(ref critical ? ref _criticals : ref _warnings);
        var text = $"{(critical ? "CRITICAL" : "WARNING")} {Marshal.PtrToStringUTF8(entry.Domain) ?? "(default domain)"}: {Marshal.PtrToStringUTF8(entry.Text)}";
        lock (Gate)
        {
            Recent.Enqueue(text);
            if (Recent.Count > Kept)
            {
                _ = Recent.Dequeue();
            }
        }
        GLib.LogDefaultHandler(entry.Domain, entry.Level, entry.Text, 0);
    }

    private readonly record struct Message(nint Domain, int Level, nint Text);
}
