using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// A GstPipeline built from a gst-launch description. Disposing stops it (state NULL, which
/// releases devices, files and threads) and drops the last reference, which frees every element.
/// </summary>
/// <remarks>Thread safe as GStreamer is.</remarks>
internal sealed class Pipeline : Element
{
    private int _disposed;

    private Pipeline(GstObjectHandle handle)
        : base(handle)
    {
    }

    /// <summary>
    /// Parses a description such as <c>appsrc name=src ! videoconvert ! fakesink</c>. Any problem
    /// is fatal: an unknown element, a property the element lacks, a link that cannot be made.
    /// </summary>
    /// <exception cref="GStreamerException">The description is not a valid pipeline; the message is GStreamer's.</exception>
    internal static Pipeline Parse(string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        GStreamerRuntime.EnsureInitialized();
        var floating = Gst.ParseLaunchFull(description, 0, Gst.ParseFlags.FatalErrors, out var error);
        var message = GLib.TakeErrorMessage(error);
        if (floating == 0)
        {
            throw new GStreamerException($"GStreamer could not build the pipeline: {message ?? "no reason given"}.");
        }
        var parsed = GstObjectHandle.SinkFloating(floating);
        if (message is not null)
        {
            // With FATAL_ERRORS GStreamer may still return a partial result along with the error.
            parsed.Dispose();
            throw new GStreamerException($"GStreamer could not build the pipeline: {message}.");
        }
        if (IsPipeline(parsed))
        {
            return new Pipeline(parsed);
        }
        // A description of a single element parses to that element: give it a pipeline of its own.
        var pipeline = GstObjectHandle.SinkFloating(Gst.PipelineNew(null));
        using (pipeline.Lease(out var bin))
        using (parsed.Lease(out var element))
        {
            Gst.BinAdd(bin, element);
        }
        parsed.Dispose();
        return new Pipeline(pipeline);
    }

    /// <summary>The child element of that name, searched recursively.</summary>
    /// <exception cref="ArgumentException">There is no element of that name.</exception>
    internal Element GetElement(string name) => new(FindChild(name));

    /// <summary>The child element of that name, or null.</summary>
    internal Element? TryGetElement(string name) => TryFindChild(name) is { } child ? new Element(child) : null;

    /// <summary>The appsrc of that name.</summary>
    /// <exception cref="ArgumentException">There is no element of that name.</exception>
    internal AppSrc GetAppSrc(string name) => new(FindChild(name));

    /// <summary>The appsink of that name.</summary>
    /// <exception cref="ArgumentException">There is no element of that name.</exception>
    internal AppSink GetAppSink(string name) => new(FindChild(name));

    /// <summary>The pipeline's bus (a new reference).</summary>
    internal GstObjectHandle GetBus()
    {
        using (Handle.Lease(out var element))
        {
            return GstObjectHandle.TakeOwnership(Gst.ElementGetBus(element));
        }
    }

    /// <summary>
    /// The first error waiting on the bus: where the element that posted it sits (<see cref="BusMessage.SourcePath"/>)
    /// and the text (with the element's name and debug details), or null. For a state change that failed
    /// before anyone watched the bus.
    /// </summary>
    internal (string SourcePath, string Text)? TryPopError()
    {
        using var bus = GetBus();
        using (bus.Lease(out var pointer))
        {
            var message = Gst.BusPopFiltered(pointer, Gst.MessageType.Error);
            if (message == 0)
            {
                return null;
            }
            try
            {
                var view = new BusMessage(message);
                var (text, debug) = view.ParseProblem();
                return (view.SourcePath, $"{view.SourceName}: {text}{(debug is null ? string.Empty : $" ({debug})")}");
            }
            finally
            {
                Gst.MiniObjectUnref(message);
            }
        }
    }

    /// <summary>
    /// The running time now in nanoseconds (clock time minus base time), or null while the pipeline
    /// has no clock (before PLAYING).
    /// </summary>
    internal ulong? RunningTime
    {
        get
        {
            using (Handle.Lease(out var element))
            {
                var clock = Gst.ElementGetClock(element);
                if (clock == 0)
                {
                    return null;
                }
                try
                {
                    var now = Gst.ClockGetTime(clock);
                    var baseTime = Gst.ElementGetBaseTime(element);
                    return now >= baseTime ? now - baseTime : 0;
                }
                finally
                {
                    Gst.ObjectUnref(clock);
                }
            }
        }
    }

    /// <summary>Sets the state to NULL, then drops the reference. Idempotent.</summary>
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && disposing && !Handle.IsClosed)
        {
            SetState(Gst.State.Null);
        }
        base.Dispose(disposing);
    }

    private GstObjectHandle FindChild(string name) =>
        TryFindChild(name) ?? throw new ArgumentException($"The pipeline has no element named '{name}'.", nameof(name));

    private GstObjectHandle? TryFindChild(string name)
    {
        using (Handle.Lease(out var bin))
        {
            var element = Gst.BinGetByName(bin, name);
            return element == 0 ? null : GstObjectHandle.TakeOwnership(element);
        }
    }

    private static bool IsPipeline(GstObjectHandle handle)
    {
        using (handle.Lease(out var element))
        {
            return GObject.TypeCheckInstanceIsA(element, Gst.PipelineGetType());
        }
    }
}
