using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// Runs a pipeline's threads at a lower scheduling priority than the application: every
/// streaming thread raises its nice value as it enters its task (GStreamer posts a stream-status
/// message synchronously from the thread itself), and threads those threads create (the encoder's)
/// inherit it. When the CPU is short, the application's frame loop then wins and the pipeline
/// falls behind and drops frames, instead of the other way round.
/// </summary>
/// <remarks>
/// Linux nice values are per thread, and an unprivileged thread cannot lower its nice value again:
/// a GStreamer thread that goes back to GLib's shared pool keeps its lower priority when it is
/// reused by another pipeline of the process.
/// </remarks>
internal static class ThreadNiceness
{
    [ThreadStatic]
    private static bool _lowered;

    /// <summary>Lowers the priority of every thread that enters a task of <paramref name="pipeline"/> by <paramref name="niceness"/> (1 to 19).</summary>
    internal static unsafe void Apply(Pipeline pipeline, int niceness)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(niceness, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(niceness, 19);
        using var bus = pipeline.GetBus();
        using (bus.Lease(out var pointer))
        {
            Gst.BusSetSyncHandler(pointer, &OnMessage, niceness, null);
        }
    }

    /// <summary>Raises the calling thread's nice value by <paramref name="niceness"/> (at most to 19), once per thread.</summary>
    internal static void LowerCurrentThread(int niceness)
    {
        if (_lowered)
        {
            return;
        }
        _lowered = true;
        Marshal.SetLastPInvokeError(0);
        var current = LibC.GetPriority(LibC.PriorityProcess, 0);
        if (current == -1 && Marshal.GetLastPInvokeError() != 0)
        {
            return;
        }
        // Best effort: where the call is refused the thread simply keeps its priority.
        _ = LibC.SetPriority(LibC.PriorityProcess, 0, Math.Min(19, current + niceness));
    }

    [UnmanagedCallersOnly]
    private static unsafe Gst.BusSyncReply OnMessage(nint bus, nint message, nint niceness) =>
        NativeBoundary.Run("bus sync handler (thread priority)", (message, niceness), &LowerEnteringThread, Gst.BusSyncReply.Pass);

    private static Gst.BusSyncReply LowerEnteringThread((nint Message, nint Niceness) call)
    {
        if (NativeLayout.ReadMessageType(call.Message) == Gst.MessageType.StreamStatus)
        {
            Gst.MessageParseStreamStatus(call.Message, out var type, out _);
            if (type == Gst.StreamStatusType.Enter)
            {
                LowerCurrentThread((int)call.Niceness);
            }
        }
        return Gst.BusSyncReply.Pass;
    }
}
