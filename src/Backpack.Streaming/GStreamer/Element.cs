using System.Globalization;
using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// A GstElement held by a reference of its own: properties, state, pads. Disposing drops the
/// reference; the element itself lives on while its bin holds it.
/// </summary>
/// <remarks>Thread safe as GStreamer is: properties and state may be used from any thread.</remarks>
internal class Element : IDisposable
{
    internal Element(GstObjectHandle handle) => Handle = handle;

    /// <summary>The reference this wrapper owns.</summary>
    internal GstObjectHandle Handle { get; }

    /// <summary>The element's name, such as <c>x264enc0</c>.</summary>
    internal string Name
    {
        get
        {
            using (Handle.Lease(out var element))
            {
                return GLib.TakeString(Gst.ObjectGetName(element)) ?? string.Empty;
            }
        }
    }

    /// <summary>Creates an element from its factory; null when the registry has no such factory.</summary>
    internal static Element? TryCreate(string factory, string? name = null)
    {
        GStreamerRuntime.EnsureInitialized();
        var floating = Gst.ElementFactoryMake(factory, name);
        return floating == 0 ? null : new Element(GstObjectHandle.SinkFloating(floating));
    }

    /// <summary>Whether the element has a property of that name.</summary>
    internal bool HasProperty(string name)
    {
        using (Handle.Lease(out var element))
        {
            return FindProperty(element, name) != 0;
        }
    }

    /// <summary>
    /// Sets a property from its text form, as gst-launch does: numbers, booleans, enum nicks or
    /// values, caps, fractions.
    /// </summary>
    /// <exception cref="ArgumentException">The element has no such property.</exception>
    internal void SetProperty(string name, string value)
    {
        using (Handle.Lease(out var element))
        {
            RequireProperty(element, name);
            Gst.UtilSetObjectArg(element, name, value);
        }
    }

    /// <summary>Sets a boolean property.</summary>
    internal void SetProperty(string name, bool value) => SetProperty(name, value ? "true" : "false");

    /// <summary>Sets a numeric property.</summary>
    internal void SetProperty(string name, long value) => SetProperty(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The value of a property as text: strings as they are, caps as gst_caps_to_string writes them,
    /// everything else as gst_value_serialize does (numbers, booleans, enum nicks). Null for an unset
    /// string, caps or object.
    /// </summary>
    /// <exception cref="ArgumentException">The element has no such property.</exception>
    internal string? GetPropertyText(string name)
    {
        using (Handle.Lease(out var element))
        {
            var spec = RequireProperty(element, name);
            var type = (nuint)Marshal.ReadIntPtr(spec, NativeLayout.ParamSpecValueType);
            var value = default(GObject.Value);
            GObject.ValueInit(ref value, type);
            try
            {
                GObject.GetProperty(element, name, ref value);
                if (GObject.TypeFundamental(type) == GObject.TypeString)
                {
                    return Marshal.PtrToStringUTF8(GObject.ValueGetString(ref value));
                }
                if (type == Gst.CapsGetType())
                {
                    var caps = GObject.ValueGetBoxed(ref value);
                    return caps == 0 ? null : GLib.TakeString(Gst.CapsToString(caps));
                }
                unsafe
                {
                    return GLib.TakeString(Gst.ValueSerialize((nint)(&value)));
                }
            }
            finally
            {
                GObject.ValueUnset(ref value);
            }
        }
    }

    /// <summary>A numeric property (integer or enum value) read through its text form.</summary>
    internal long GetInt64Property(string name)
    {
        var text = GetPropertyText(name);
        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new GStreamerException($"Property {name} of {Name} is '{text}', not a number.");
    }

    /// <summary>A boolean property.</summary>
    internal bool GetBoolProperty(string name) => GetPropertyText(name) switch
    {
        "true" => true,
        "false" => false,
        var text => throw new GStreamerException($"Property {name} of {Name} is '{text}', not a boolean."),
    };

    /// <summary>Changes the state and returns at once (GStreamer may complete it asynchronously).</summary>
    internal Gst.StateChangeReturn SetState(Gst.State state)
    {
        using (Handle.Lease(out var element))
        {
            return Gst.ElementSetState(element, state);
        }
    }

    /// <summary>
    /// Changes the state and waits at most <paramref name="timeout"/> for an asynchronous change to
    /// complete. Returns Success or NoPreroll (live sources) when the element reached the state,
    /// Failure when it refused, Async when it was still changing at the timeout.
    /// </summary>
    internal Gst.StateChangeReturn ChangeState(Gst.State state, TimeSpan timeout)
    {
        var result = SetState(state);
        if (result != Gst.StateChangeReturn.Async)
        {
            return result;
        }
        using (Handle.Lease(out var element))
        {
            return Gst.ElementGetState(element, out _, out _, ToClockTime(timeout));
        }
    }

    /// <summary>The current state, without waiting for a pending change.</summary>
    internal Gst.State CurrentState
    {
        get
        {
            using (Handle.Lease(out var element))
            {
                Gst.ElementGetState(element, out var state, out _, 0);
                return state;
            }
        }
    }

    /// <summary>
    /// Posts an error (GST_STREAM_ERROR_FAILED) from this element on its pipeline's bus, as the element
    /// would on a failure of its own: whoever watches the bus ends or restarts the pipeline.
    /// </summary>
    internal void PostError(string message)
    {
        var error = GLib.ErrorNewLiteral(Gst.StreamErrorQuark(), Gst.StreamErrorFailed, message);
        try
        {
            using (Handle.Lease(out var element))
            {
                _ = Gst.ElementPostMessage(element, Gst.MessageNewError(element, error, null));
            }
        }
        finally
        {
            GLib.ErrorFree(error);
        }
    }

    /// <summary>
    /// The factory names (such as <c>x264enc</c>) of the elements inside this bin, at any depth, whose factory
    /// is of a <paramref name="kind"/>; empty for an element that is not a bin.
    /// </summary>
    internal IReadOnlyList<string> ElementsInside(Gst.ElementFactoryType kind)
    {
        var found = new List<string>();
        WalkInside(child =>
        {
            var factory = Gst.ElementGetFactory(child);
            if (factory != 0 && Gst.ElementFactoryListIsType(factory, kind))
            {
                found.Add(GLib.TakeString(Gst.ObjectGetName(factory)) ?? string.Empty);
            }
        }, found.Clear);
        return found;
    }

    /// <summary>How many elements this bin holds at any depth (the insides of inner bins too); 0 for an element that is not a bin.</summary>
    internal int CountElementsInside()
    {
        var count = 0;
        WalkInside(_ => count++, () => count = 0);
        return count;
    }

    /// <summary>Calls <paramref name="visit"/> with every element inside this bin at any depth (borrowed); <paramref name="restart"/> when the bin changed meanwhile and the walk starts again.</summary>
    private void WalkInside(Action<nint> visit, Action restart)
    {
        using (Handle.Lease(out var element))
        {
            if (!GObject.TypeCheckInstanceIsA(element, Gst.BinGetType()))
            {
                return;
            }
            var iterator = Gst.BinIterateRecurse(element);
            var item = default(GObject.Value);
            try
            {
                while (true)
                {
                    switch (Gst.IteratorNext(iterator, ref item))
                    {
                        case Gst.IteratorResult.Ok:
                            visit(GObject.ValueGetObject(ref item));
                            GObject.ValueUnset(ref item);
                            break;
                        case Gst.IteratorResult.Resync:
                            restart();
                            Gst.IteratorResync(iterator);
                            break;
                        default:
                            return;
                    }
                }
            }
            finally
            {
                GObject.ValueUnset(ref item);
                Gst.IteratorFree(iterator);
            }
        }
    }

    /// <summary>A static pad of the element, such as <c>src</c> or <c>sink</c>.</summary>
    /// <exception cref="ArgumentException">The element has no such pad.</exception>
    internal GstObjectHandle GetStaticPad(string name)
    {
        using (Handle.Lease(out var element))
        {
            var pad = Gst.ElementGetStaticPad(element, name);
            return pad == 0
                ? throw new ArgumentException($"Element {Name} has no static pad '{name}'.", nameof(name))
                : GstObjectHandle.TakeOwnership(pad);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the reference.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Handle.Dispose();
        }
    }

    /// <summary>A TimeSpan as GstClockTime nanoseconds; infinite for <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    internal static ulong ToClockTime(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? Gst.ClockTimeNone : (ulong)Math.Max(0, timeout.Ticks) * 100;

    private static nint FindProperty(nint element, string name) =>
        GObject.ClassFindProperty(NativeLayout.ReadClass(element), name);

    private nint RequireProperty(nint element, string name)
    {
        var spec = FindProperty(element, name);
        return spec != 0
            ? spec
            : throw new ArgumentException($"Element {Name} has no property '{name}'.", nameof(name));
    }
}
