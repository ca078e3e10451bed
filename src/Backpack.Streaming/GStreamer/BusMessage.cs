using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>
/// A message from a pipeline's bus, borrowed for the duration of a <see cref="BusWatcher"/>
/// handler: read what is needed there, do not keep it.
/// </summary>
internal readonly struct BusMessage
{
    private readonly nint _message;

    internal BusMessage(nint message) => _message = message;

    /// <summary>What kind of message this is.</summary>
    internal Gst.MessageType Type => NativeLayout.ReadMessageType(_message);

    /// <summary>The name of the object that posted it (an element such as <c>filesink0</c>, or the pipeline).</summary>
    internal string SourceName
    {
        get
        {
            var source = NativeLayout.ReadMessageSource(_message);
            return source == 0 ? string.Empty : GLib.TakeString(Gst.ObjectGetName(source)) ?? string.Empty;
        }
    }

    /// <summary>Where the posting object sits, such as <c>/GstPipeline:pipeline0/GstBin:enc/GstIdentity:identity0</c>.</summary>
    internal string SourcePath
    {
        get
        {
            var source = NativeLayout.ReadMessageSource(_message);
            return source == 0 ? string.Empty : GLib.TakeString(Gst.ObjectGetPathString(source)) ?? string.Empty;
        }
    }

    /// <summary>The posting object's pointer, to tell the pipeline's own messages from its children's.</summary>
    internal nint Source => NativeLayout.ReadMessageSource(_message);

    /// <summary>The text and debug details of an error, warning or info message.</summary>
    internal (string Text, string? Debug) ParseProblem()
    {
        nint error;
        nint debug;
        switch (Type)
        {
            case Gst.MessageType.Error:
                Gst.MessageParseError(_message, out error, out debug);
                break;
            case Gst.MessageType.Warning:
                Gst.MessageParseWarning(_message, out error, out debug);
                break;
            case Gst.MessageType.Info:
                Gst.MessageParseInfo(_message, out error, out debug);
                break;
            default:
                throw new InvalidOperationException($"A {Type} message carries no error.");
        }
        return (GLib.TakeErrorMessage(error) ?? "no message", GLib.TakeString(debug));
    }

    /// <summary>The old and new states of a state-changed message.</summary>
    internal (Gst.State Old, Gst.State New) ParseStateChanged()
    {
        Gst.MessageParseStateChanged(_message, out var oldState, out var newState, out _);
        return (oldState, newState);
    }

    /// <summary>The name of the message's structure (element and application messages), or null.</summary>
    internal string? StructureName
    {
        get
        {
            var structure = Gst.MessageGetStructure(_message);
            return structure == 0 ? null : Marshal.PtrToStringUTF8(Gst.StructureGetName(structure));
        }
    }

    /// <summary>A string field of the message's structure, or null.</summary>
    internal string? GetString(string field)
    {
        var structure = Gst.MessageGetStructure(_message);
        return structure == 0 ? null : Marshal.PtrToStringUTF8(Gst.StructureGetString(structure, field));
    }

    /// <summary>The type and source, and the structure when there is one, for logs.</summary>
    public override string ToString()
    {
        var structure = Gst.MessageGetStructure(_message);
        var text = structure == 0 ? null : GLib.TakeString(Gst.StructureToString(structure));
        return $"{Type} from {SourceName}{(text is null ? string.Empty : ": " + text)}";
    }
}
