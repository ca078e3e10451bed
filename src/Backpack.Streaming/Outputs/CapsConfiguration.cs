using Backpack.Streaming.GStreamer;
using Backpack.Streaming.GStreamer.Native;

namespace Backpack.Streaming.Outputs;

/// <summary>
/// The codec configuration of a stream of <c>video/x-h264,stream-format=avc</c> samples, read from their caps'
/// <c>codec_data</c> and kept while the caps stay the same, so that each access unit costs a pointer comparison.
/// For one streaming thread (an encoder's appsink, a camera's): not thread safe.
/// </summary>
internal sealed class CapsConfiguration
{
    private nint _lastCaps;
    private H264Configuration? _configuration;

    /// <summary>
    /// The configuration of a sample's caps (a GstCaps*, borrowed): the last one when the caps are the same or carry
    /// none. The same configuration in new caps is the same object, so outputs are not restarted for it.
    /// </summary>
    internal H264Configuration? Of(nint caps)
    {
        if (caps == _lastCaps && _configuration is not null)
        {
            return _configuration;
        }
        _lastCaps = caps;
        if (caps == 0)
        {
            return _configuration;
        }
        var structure = Gst.CapsGetStructure(caps, 0);
        var value = Gst.StructureGetValue(structure, "codec_data");
        var buffer = value == 0 ? 0 : Gst.ValueGetBoxedAt(value);
        if (buffer == 0 || !Gst.StructureGetInt(structure, "width", out var width) || !Gst.StructureGetInt(structure, "height", out var height))
        {
            return _configuration;
        }
        var parsed = H264Configuration.Parse(new BufferView(buffer).ToArray(), width, height);
        if (!parsed.Equals(_configuration))
        {
            _configuration = parsed;
        }
        return _configuration;
    }
}
