using System.Globalization;
using System.Text.RegularExpressions;

namespace Backpack.Streaming.Cameras;

/// <summary>
/// Whether a camera's own H.264 can go to SkyLine outputs as it is (passthrough) or must be decoded and re-encoded:
/// it must be H.264 in access units, 8-bit 4:2:0 (what every output and browser decodes), and its key frames at most
/// 10 s apart (a Kinesis Video Streams fragment starts on a key frame and lasts 10 s at most; a passthrough stream
/// cannot be asked for key frames).
/// </summary>
internal static partial class PassthroughEligibility
{
    /// <summary>The longest distance between key frames a passthrough stream may have: Kinesis Video Streams' fragment limit.</summary>
    internal static readonly TimeSpan MaxKeyFrameInterval = TimeSpan.FromSeconds(10);

    /// <summary>Why the stream must be re-encoded, or null when it can go through as it is.</summary>
    /// <param name="caps">The caps of the camera's parsed stream as text, as h264parse gives them.</param>
    /// <param name="longestKeyFrameInterval">The longest time between two key frames seen so far, or null while unknown.</param>
    internal static string? Refusal(string caps, TimeSpan? longestKeyFrameInterval)
    {
        var mediaType = caps.Split(',', 2)[0].Trim();
        if (mediaType != "video/x-h264")
        {
            return $"the camera sends {(mediaType.Length == 0 ? "an unknown format" : mediaType)}, not H.264";
        }
        if (Field(caps, "chroma-format") is { } chroma && chroma != "4:2:0")
        {
            return $"its chroma is {chroma}, not 4:2:0";
        }
        if (Field(caps, "bit-depth-luma") is { } depth && depth != "8")
        {
            return $"it is {depth}-bit, not 8-bit";
        }
        if (longestKeyFrameInterval is { } interval && interval > MaxKeyFrameInterval)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"its key frames are {interval.TotalSeconds:0.#} s apart, beyond the {MaxKeyFrameInterval.TotalSeconds:0} s fragment limit of Kinesis Video Streams");
        }
        return null;
    }

    private static string? Field(string caps, string name)
    {
        var match = CapsField().Match(caps);
        for (; match.Success; match = match.NextMatch())
        {
            if (match.Groups["name"].Value == name)
            {
                return match.Groups["value"].Value;
            }
        }
        return null;
    }

    // name=(type)value or name=value, up to the next comma.
    [GeneratedRegex(@"(?<name>[\w\-]+)=(\(\w+\))?""?(?<value>[^,""]*)""?")]
    private static partial Regex CapsField();
}
