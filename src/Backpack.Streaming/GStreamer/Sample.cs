using System.Runtime.InteropServices;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.GStreamer;

/// <summary>A GstSample pulled from an appsink: a buffer and the caps that describe it.</summary>
internal sealed class Sample : IDisposable
{
    internal Sample(MiniObjectHandle handle) => Handle = handle;

    /// <summary>The reference this wrapper owns.</summary>
    internal MiniObjectHandle Handle { get; }

    /// <summary>The sample's buffer, valid while the sample is.</summary>
    internal BufferView Buffer
    {
        get
        {
            using (Handle.Lease(out var sample))
            {
                return new BufferView(Gst.SampleGetBuffer(sample));
            }
        }
    }

    /// <summary>The caps as text, such as <c>video/x-h264, stream-format=(string)avc, ...</c>.</summary>
    internal string Caps
    {
        get
        {
            using (Handle.Lease(out var sample))
            {
                var caps = Gst.SampleGetCaps(sample);
                return caps == 0 ? string.Empty : GLib.TakeString(Gst.CapsToString(caps)) ?? string.Empty;
            }
        }
    }

    /// <summary>An integer field of the first caps structure, such as <c>width</c>, or null.</summary>
    internal int? GetCapsInt(string field)
    {
        using (Handle.Lease(out var sample))
        {
            var caps = Gst.SampleGetCaps(sample);
            return caps != 0 && Gst.StructureGetInt(Gst.CapsGetStructure(caps, 0), field, out var value) ? value : null;
        }
    }

    /// <summary>The media type of the caps, such as <c>video/x-raw</c>.</summary>
    internal string MediaType
    {
        get
        {
            using (Handle.Lease(out var sample))
            {
                var caps = Gst.SampleGetCaps(sample);
                return caps == 0 ? string.Empty : Marshal.PtrToStringUTF8(Gst.StructureGetName(Gst.CapsGetStructure(caps, 0))) ?? string.Empty;
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Handle.Dispose();
}
