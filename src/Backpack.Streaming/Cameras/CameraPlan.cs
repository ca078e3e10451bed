using System.Globalization;
using Backpack.Streaming.GStreamer.Native;
using Backpack.Streaming.Rtsp;

namespace Backpack.Streaming.Cameras;

/// <summary>
/// What a camera's options mean, worked out once: the kind of source, where it is (without credentials), the
/// credentials apart, a form safe for logs, and the pipeline that decodes it to BGR. Secrets never enter the
/// description: they are set as properties of the source element after parsing.
/// </summary>
internal sealed record CameraPlan(
    CameraPlan.SourceKind Kind,
    string Location,
    string? UserName,
    string? Password,
    string Masked,
    string Description,
    IReadOnlyList<string> Elements,
    bool Passthrough = false)
{
    /// <summary>The name of the element that reads the source.</summary>
    internal const string SourceName = "camera_source";

    /// <summary>The name of the appsink the frames leave by.</summary>
    internal const string SinkName = "camera_sink";

    /// <summary>The name of the appsink the camera's own H.264 access units leave by (passthrough).</summary>
    internal const string UnitsName = "camera_units";

    /// <summary>The valve before the decoder of a passthrough camera: closed until frames are read.</summary>
    internal const string DecodeValveName = "camera_decode";

    /// <summary>The sources accepted, for the message of an unknown one.</summary>
    internal const string Accepted =
        "rtsp:// or rtsps:// (credentials in the URL or in UserName/Password), http:// or https://, file:// or a file path, " +
        "v4l2:///dev/videoN or a device path /dev/videoN, test: (GStreamer's test pattern, such as test:ball)";

    /// <summary>The kinds of source.</summary>
    internal enum SourceKind
    {
        Rtsp,
        Http,
        File,
        Device,
        TestPattern,
    }

    /// <summary>Whether the source delivers in real time by itself (everything but a file).</summary>
    internal bool IsLive => Kind != SourceKind.File;

    /// <summary>Reads and checks the options.</summary>
    /// <param name="options">The options.</param>
    /// <param name="passthrough">
    /// Whether the camera's own H.264 access units also leave the pipeline as they are (AVC, one access unit per
    /// buffer, SPS/PPS in the caps' codec_data), beside the decoded frames: RTSP cameras only, so far.
    /// </param>
    /// <exception cref="ArgumentException">A setting is missing, out of range or of an unknown kind; the message names it.</exception>
    internal static CameraPlan From(CameraSourceOptions options, bool passthrough = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = options.Source?.Trim();
        if (string.IsNullOrEmpty(source))
        {
            throw new ArgumentException($"CameraSourceOptions.Source is empty; expected one of: {Accepted}.", nameof(options));
        }
        ValidateNumbers(options);
        var (kind, location, user, password, masked) = Locate(source, options);
        var tail = Tail(options, kind != SourceKind.File || !options.FileAtOwnRate);
        if (passthrough && kind != SourceKind.Rtsp)
        {
            throw new ArgumentException($"Passthrough is for RTSP cameras; {masked} is decoded only.", nameof(options));
        }
        // A dead camera's TCP connection is given up within the stall timeout rather than rtspsrc's 20 s.
        var rtsp = $"rtspsrc name={SourceName} latency={(int)options.RtspLatency.TotalMilliseconds} protocols={Protocols(options.RtspTransport)} " +
            string.Create(CultureInfo.InvariantCulture, $"tcp-timeout={(long)options.StallTimeout.TotalMicroseconds} ");
        var head = kind switch
        {
            SourceKind.Rtsp when passthrough =>
                // Each branch has its own queue (its own thread). The decoder's is small and never drops (a lost unit
                // would spoil pictures up to the next key frame); the units' drops only when their receiver is stuck.
                rtsp +
                "! application/x-rtp,media=video,encoding-name=H264 ! rtph264depay ! h264parse config-interval=-1 " +
                "! video/x-h264,stream-format=avc,alignment=au ! tee name=camera_tee " +
                $"! queue max-size-buffers=64 max-size-bytes=0 max-size-time=0 leaky=downstream ! appsink name={UnitsName} sync=false async=false max-buffers=0 drop=false enable-last-sample=false " +
                // Decoding waits behind a closed valve until something reads frames (DecodeValveName): passing through decodes nothing.
                $"camera_tee. ! queue max-size-buffers=4 max-size-bytes=0 max-size-time=0 ! valve name={DecodeValveName} drop=true drop-mode=forward-sticky-events ! decodebin",
            SourceKind.Rtsp =>
                rtsp +
                "! application/x-rtp,media=video ! decodebin",
            SourceKind.Http => $"souphttpsrc name={SourceName} is-live=true ! decodebin",
            SourceKind.File => $"filesrc name={SourceName} ! decodebin",
            SourceKind.Device => $"v4l2src name={SourceName} ! decodebin",
            _ => $"videotestsrc name={SourceName} is-live=true pattern={location}",
        };
        if (passthrough)
        {
            // Neither sink waits to preroll: the frames' sink may get nothing for long (its decoder waits behind a closed
            // valve), and the pipeline must play the units all the same.
            tail = tail.Replace($"appsink name={SinkName} ", $"appsink name={SinkName} async=false ", StringComparison.Ordinal);
        }
        var description = $"{head} ! {tail}";
        return new CameraPlan(kind, location, user, password, masked, description, GStreamer.PipelineDescription.ElementNames(description), passthrough);
    }

    /// <summary>The properties of the source element that say where it reads and with which credentials (not for logs).</summary>
    internal IEnumerable<(string Name, string Value)> SourceProperties()
    {
        switch (Kind)
        {
            case SourceKind.Rtsp or SourceKind.Http:
                yield return ("location", Location);
                if (UserName is not null)
                {
                    yield return ("user-id", UserName);
                }
                if (Password is not null)
                {
                    yield return ("user-pw", Password);
                }
                break;
            case SourceKind.File:
                yield return ("location", Location);
                break;
            case SourceKind.Device:
                yield return ("device", Location);
                break;
        }
    }

    private static void ValidateNumbers(CameraSourceOptions options)
    {
        if (options.Width is { } width and (< 1 or > 16384))
        {
            throw new ArgumentOutOfRangeException(nameof(options), width, $"CameraSourceOptions.Width is {width}; expected 1 to 16384 pixels, or null for the source's own.");
        }
        if (options.Height is { } height and (< 1 or > 16384))
        {
            throw new ArgumentOutOfRangeException(nameof(options), height, $"CameraSourceOptions.Height is {height}; expected 1 to 16384 pixels, or null for the source's own.");
        }
        if (options.FrameRate is { } fps && !(double.IsFinite(fps) && fps > 0 && fps <= 1000))
        {
            throw new ArgumentOutOfRangeException(nameof(options), fps, $"CameraSourceOptions.FrameRate is {fps}; expected above 0 and at most 1000 frames per second, or null for the source's own.");
        }
        if (options.ReconnectDelay <= TimeSpan.Zero || options.MaxReconnectDelay < options.ReconnectDelay)
        {
            throw new ArgumentException(
                $"CameraSourceOptions.ReconnectDelay ({options.ReconnectDelay}) must be above 0 and MaxReconnectDelay ({options.MaxReconnectDelay}) at least as long.", nameof(options));
        }
        if (options.StallTimeout < TimeSpan.FromMilliseconds(100))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StallTimeout, "CameraSourceOptions.StallTimeout must be at least 100 ms.");
        }
        if (options.RtspLatency < TimeSpan.Zero || options.RtspLatency > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RtspLatency, "CameraSourceOptions.RtspLatency must be from 0 to 10 s.");
        }
        if ((options.RtspTransport & (RtspTransports.Tcp | RtspTransports.Udp | RtspTransports.UdpMulticast)) == 0)
        {
            throw new ArgumentException($"CameraSourceOptions.RtspTransport is {options.RtspTransport}; expected Tcp, Udp or both.", nameof(options));
        }
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
    }

    private static (SourceKind Kind, string Location, string? User, string? Password, string Masked) Locate(string source, CameraSourceOptions options)
    {
        if (source.StartsWith("test:", StringComparison.OrdinalIgnoreCase))
        {
            var pattern = source["test:".Length..].TrimStart('/');
            pattern = pattern.Length == 0 ? "smpte" : pattern;
            if (!pattern.All(character => char.IsAsciiLetterOrDigit(character) || character == '-'))
            {
                throw new ArgumentException($"CameraSourceOptions.Source '{source}' names no test pattern; expected test: or test:NAME with a videotestsrc pattern name, such as test:ball.", nameof(options));
            }
            return (SourceKind.TestPattern, pattern, null, null, $"test:{pattern}");
        }
        if (source.StartsWith('/') || source.StartsWith('.') || !source.Contains("://", StringComparison.Ordinal))
        {
            return source.StartsWith("/dev/", StringComparison.Ordinal) ? Device(source, options) : File(Path.GetFullPath(source), source, options);
        }
        if (!Uri.TryCreate(source, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"CameraSourceOptions.Source '{GStreamer.PipelineDescription.Redact(source)}' is not a valid URI; expected one of: {Accepted}.", nameof(options));
        }
        switch (uri.Scheme.ToLowerInvariant())
        {
            case "file":
                return File(uri.LocalPath, source, options);
            case "v4l2":
                return Device(uri.AbsolutePath, options);
            case "rtsp" or "rtsps" or "http" or "https":
                var (user, password) = Credentials(uri);
                user = options.UserName ?? user;
                password = options.Password ?? password;
                var location = uri.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.UserInfo, UriFormat.UriEscaped);
                var masked = user is null && password is null ? location : location.Replace("://", "://***@", StringComparison.Ordinal);
                var kind = uri.Scheme.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase) ? SourceKind.Rtsp : SourceKind.Http;
                return (kind, location, user, password, masked);
            default:
                throw new ArgumentException(
                    $"CameraSourceOptions.Source has the scheme '{uri.Scheme}', which a camera source does not open; expected one of: {Accepted}.", nameof(options));
        }
    }

    private static (SourceKind, string, string?, string?, string) File(string path, string source, CameraSourceOptions options)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new ArgumentException($"CameraSourceOptions.Source '{source}' is a file that does not exist ({path}).", nameof(options));
        }
        return (SourceKind.File, path, null, null, path);
    }

    private static (SourceKind, string, string?, string?, string) Device(string path, CameraSourceOptions options)
    {
        if (!path.StartsWith("/dev/", StringComparison.Ordinal))
        {
            throw new ArgumentException($"CameraSourceOptions.Source names the device '{path}'; expected a path such as /dev/video0.", nameof(options));
        }
        return (SourceKind.Device, path, null, null, $"v4l2://{path}");
    }

    private static (string? User, string? Password) Credentials(Uri uri)
    {
        if (string.IsNullOrEmpty(uri.UserInfo))
        {
            return (null, null);
        }
        var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? (Uri.UnescapeDataString(uri.UserInfo), null)
            : (Uri.UnescapeDataString(uri.UserInfo[..colon]), Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]));
    }

    private static string Protocols(RtspTransports transports)
    {
        var names = new List<string>(3);
        if (transports.HasFlag(RtspTransports.Udp))
        {
            names.Add("udp");
        }
        if (transports.HasFlag(RtspTransports.UdpMulticast))
        {
            names.Add("udp-mcast");
        }
        if (transports.HasFlag(RtspTransports.Tcp))
        {
            names.Add("tcp");
        }
        return string.Join('+', names);
    }

    /// <summary>Scaling (in the decoder's format, before conversion), rate, conversion to BGR and the one-frame appsink.</summary>
    private static string Tail(CameraSourceOptions options, bool asFastAsItComes)
    {
        var caps = "video/x-raw,format=BGR";
        var chain = string.Empty;
        if (options.Width is not null || options.Height is not null)
        {
            chain += "videoscale ! ";
            caps += (options.Width is { } width ? string.Create(CultureInfo.InvariantCulture, $",width={width}") : string.Empty) +
                (options.Height is { } height ? string.Create(CultureInfo.InvariantCulture, $",height={height}") : string.Empty) +
                ",pixel-aspect-ratio=1/1";
        }
        if (options.FrameRate is >= 1 and var fps)
        {
            // A ceiling, not a fixed rate: a source slower than it passes as it comes (a fixed framerate in the caps
            // would fail to negotiate, videorate never making frames up).
            chain += string.Create(CultureInfo.InvariantCulture, $"videorate max-rate={(int)Math.Floor(fps)} ! ");
        }
        else if (options.FrameRate is { } slow)
        {
            // Below one frame per second max-rate (whole frames per second) cannot say it: a fixed rate, which the
            // source must reach.
            Gst.UtilDoubleToFraction(slow, out var numerator, out var denominator);
            chain += "videorate drop-only=true ! ";
            caps += string.Create(CultureInfo.InvariantCulture, $",framerate={numerator}/{denominator}");
        }
        return $"{chain}videoconvert ! capsfilter caps=\"{caps}\" " +
            $"! appsink name={SinkName} max-buffers=1 drop=true sync={(asFastAsItComes ? "false" : "true")} enable-last-sample=false";
    }
}
