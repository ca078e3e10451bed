using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Backpack.Aws.Iot;

namespace Backpack.Aws.Relay;

/// <summary>
/// A relay configuration checked and resolved: every camera with its effective video settings, stream name and
/// certificate paths. <see cref="Resolve(CameraRelayOptions, string)"/> lists every problem at once.
/// </summary>
internal sealed partial record RelayPlan(CameraRelayOptions Options, IReadOnlyList<RelayCameraPlan> Cameras, string? RootCaPath, string BaseDirectory)
{
    /// <summary>The schemes a camera source may have (a source without one is a file path).</summary>
    internal static readonly string[] SourceSchemes = ["rtsp", "rtsps", "http", "https", "file", "v4l2", "test"];

    /// <summary>Checks and resolves <paramref name="options"/>; relative paths are relative to <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="CameraRelayConfigurationException">Something cannot be used; every problem is listed.</exception>
    internal static RelayPlan Resolve(CameraRelayOptions options, string baseDirectory)
    {
        var problems = new List<string>();
        var plan = Resolve(options, baseDirectory, problems);
        return problems.Count == 0 ? plan : throw new CameraRelayConfigurationException(problems);
    }

    /// <summary>Resolves what it can and adds every problem to <paramref name="problems"/>.</summary>
    internal static RelayPlan Resolve(CameraRelayOptions options, string baseDirectory, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseDirectory);
        baseDirectory = Path.GetFullPath(baseDirectory);
        var video = options.Video ?? new RelayVideoOptions();
        var iot = options.Iot;
        if (options.Kinesis is null && options.Rtsp is null)
        {
            problems.Add("No output: add a kinesis section (one Kinesis video stream per camera) or an rtsp section (one RTSP mount per camera), or both.");
        }
        if (options.StatusSeconds is < 1 or > 3600)
        {
            problems.Add($"statusSeconds: {options.StatusSeconds} is outside 1 to 3600.");
        }
        CheckVideo("video", video, problems);
        if (options.Kinesis is { } kinesis)
        {
            CheckKinesis(kinesis, problems);
        }
        if (options.Rtsp is { } rtsp)
        {
            CheckRtsp(rtsp, problems);
        }
        string? rootCa = null;
        if (iot is not null)
        {
            CheckIot(iot, options.Kinesis is not null, problems);
            rootCa = iot.RootCa is { Length: > 0 } root ? Path.GetFullPath(root, baseDirectory) : null;
            if (rootCa is not null && !File.Exists(rootCa))
            {
                problems.Add($"iot.rootCa: {rootCa} does not exist or is not a file.");
            }
            if (iot.DeviceThing is { Length: > 0 } device && iot.DataEndpoint is { Length: > 0 })
            {
                // One MQTT connection as the device thing, with the device's certificate.
                CheckCertificate(iot, device, "the device thing " + device, baseDirectory, problems, out _, out _);
            }
        }
        var cameras = new List<RelayCameraPlan>();
        var byStream = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.Cameras is not { Count: > 0 })
        {
            problems.Add("cameras: no camera; add at least one, such as { \"name\": \"dock-1\", \"source\": \"rtsp://10.0.0.5/stream1\" }.");
        }
        for (var index = 0; index < (options.Cameras?.Count ?? 0); index++)
        {
            // Duplicates first, so a camera with other problems is still named as a duplicate.
            if (options.Cameras![index]?.Name is { Length: > 0 } name)
            {
                var streamName = RelayStreamName.FromCameraName(name);
                if (byStream.TryGetValue(streamName, out var other))
                {
                    problems.Add($"cameras[{index}].name: '{name}' streams as '{streamName}', as {other} does; every camera needs a stream name of its own.");
                    continue;
                }
                byStream.Add(streamName, $"cameras[{index}] ('{name}')");
            }
            if (ResolveCamera(options, video, index, baseDirectory, problems) is { } camera)
            {
                cameras.Add(camera);
            }
        }
        return new RelayPlan(options, cameras, rootCa, baseDirectory);
    }

    private static RelayCameraPlan? ResolveCamera(CameraRelayOptions options, RelayVideoOptions video, int index, string baseDirectory, List<string> problems)
    {
        var at = $"cameras[{index}]";
        var camera = options.Cameras[index];
        if (camera is null)
        {
            problems.Add($"{at}: empty; a camera needs a name and a source.");
            return null;
        }
        var count = problems.Count;
        string? streamName = null;
        if (string.IsNullOrWhiteSpace(camera.Name))
        {
            problems.Add($"{at}.name is required: the camera's name, which is also its stream name.");
        }
        else
        {
            streamName = RelayStreamName.FromCameraName(camera.Name);
            CheckStreamName($"{at}.name", camera.Name, streamName, options, problems);
        }
        var source = CheckSource($"{at}.source", camera.Source, baseDirectory, problems);
        var transport = camera.Transport?.Trim().ToLowerInvariant();
        if (transport is not (null or "tcp" or "udp"))
        {
            problems.Add($"{at}.transport: '{camera.Transport}' is not an RTSP transport (expected tcp or udp).");
        }
        if (camera.User is { Length: > 0 } != camera.Password is { Length: > 0 })
        {
            problems.Add($"{at}: user and password go together; set both or neither.");
        }
        var own = camera.Video;
        if (own is not null)
        {
            CheckVideo($"{at}.video", own, problems);
        }
        string? certificate = null;
        string? key = null;
        if (options.Iot is { } iot && streamName is not null)
        {
            CheckCertificate(iot, streamName, $"camera '{camera.Name}'", baseDirectory, problems, out certificate, out key);
        }
        if (problems.Count != count || streamName is null || source is null)
        {
            return null;
        }
        return new RelayCameraPlan(
            camera.Name!,
            streamName,
            source,
            camera.Enabled,
            camera.User,
            camera.Password,
            transport != "udp",
            own?.Width ?? video.Width ?? RelayVideoOptions.DefaultWidth,
            own?.Height ?? video.Height ?? RelayVideoOptions.DefaultHeight,
            own?.Fps ?? video.Fps ?? RelayVideoOptions.DefaultFps,
            own?.Mode ?? video.Mode ?? RelayMode.Annotate,
            certificate,
            key);
    }

    private static void CheckStreamName(string at, string name, string streamName, CameraRelayOptions options, List<string> problems)
    {
        var stripped = streamName == name ? string.Empty : $" (its stream name, without the trailing UUID, is '{streamName}')";
        if (streamName.Length == 0)
        {
            problems.Add($"{at}: '{name}' is only a UUID; nothing is left to name the stream after once it is removed.");
        }
        else if (options.Iot is not null && !ThingAndStreamName().IsMatch(streamName))
        {
            problems.Add($"{at}: '{name}'{stripped} is not usable as both a Kinesis stream and an IoT thing name: 1 to 128 letters, digits, '_' and '-'.");
        }
        else if (!StreamName().IsMatch(streamName))
        {
            problems.Add($"{at}: '{name}'{stripped} is not usable as a stream name: 1 to 256 letters, digits, '_', '.' and '-'.");
        }
    }

    private static string? CheckSource(string at, string? source, string baseDirectory, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            problems.Add($"{at} is required: rtsp://, http(s)://, file:// or a file path, v4l2:///dev/videoN, or test: for a test pattern.");
            return null;
        }
        var colon = source.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 1 && Uri.CheckSchemeName(source[..colon]) ? source[..colon].ToLowerInvariant() : null;
        if (scheme is null)
        {
            var path = Path.GetFullPath(source, baseDirectory);
            if (!File.Exists(path))
            {
                problems.Add($"{at}: the file {path} does not exist (a source without a scheme is a video file).");
                return null;
            }
            return path;
        }
        if (!SourceSchemes.Contains(scheme))
        {
            problems.Add($"{at}: the scheme '{scheme}:' is not a camera source (expected one of: {string.Join(", ", SourceSchemes.Select(known => known + ":"))}).");
            return null;
        }
        if (scheme == "file" && !(Uri.TryCreate(source, UriKind.Absolute, out var file) && File.Exists(file.LocalPath)))
        {
            problems.Add(file is null ? $"{at}: not a file:// URL, such as file:///var/video/dock.mp4." : $"{at}: the file {file.LocalPath} does not exist.");
            return null;
        }
        if (scheme is "rtsp" or "rtsps" or "http" or "https" && (!Uri.TryCreate(source, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)))
        {
            problems.Add($"{at}: not a {scheme} URL with a host, such as {scheme}://10.0.0.5/stream1.");
            return null;
        }
        return source;
    }

    private static void CheckVideo(string at, RelayVideoOptions video, List<string> problems)
    {
        if (video.Width is { } width && (width is < 16 or > 7680 || width % 2 != 0))
        {
            problems.Add($"{at}.width: {width} is not an even number from 16 to 7680.");
        }
        if (video.Height is { } height && (height is < 16 or > 4320 || height % 2 != 0))
        {
            problems.Add($"{at}.height: {height} is not an even number from 16 to 4320.");
        }
        if (video.Fps is { } fps && fps is < 1 or > 60)
        {
            problems.Add($"{at}.fps: {fps} is outside 1 to 60.");
        }
        if (video.Mode is { } mode && !Enum.IsDefined(mode))
        {
            problems.Add($"{at}.mode: {mode} is not annotate or passthrough.");
        }
    }

    private static void CheckKinesis(RelayKinesisOptions kinesis, List<string> problems)
    {
        if (kinesis.Region is { } region && !Region().IsMatch(region))
        {
            problems.Add($"kinesis.region: '{region}' is not an AWS region, such as eu-west-1.");
        }
        if (kinesis.EndpointUrl is { Length: > 0 } endpoint &&
            (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            problems.Add($"kinesis.endpointUrl: '{endpoint}' is not an http(s) URL.");
        }
        if (kinesis.RetentionHours is < 0 or > 87600)
        {
            problems.Add($"kinesis.retentionHours: {kinesis.RetentionHours} is outside 0 to 87600.");
        }
        if (kinesis.FragmentSeconds is < 1 or > 10)
        {
            problems.Add($"kinesis.fragmentSeconds: {kinesis.FragmentSeconds} is outside 1 to 10 (Kinesis refuses fragments longer than 10 s).");
        }
    }

    private static void CheckRtsp(RelayRtspOptions rtsp, List<string> problems)
    {
        if (rtsp.Port is < 0 or > 65535)
        {
            problems.Add($"rtsp.port: {rtsp.Port} is outside 0 to 65535.");
        }
        if (!IPAddress.TryParse(rtsp.Bind, out _))
        {
            problems.Add($"rtsp.bind: '{rtsp.Bind}' is not an IP address (0.0.0.0 for every interface, 127.0.0.1 for this machine only).");
        }
        if (rtsp.User is { Length: > 0 } != rtsp.Password is { Length: > 0 })
        {
            problems.Add("rtsp: user and password go together; set both or neither.");
        }
    }

    private static void CheckIot(RelayIotOptions iot, bool kinesis, List<string> problems)
    {
        if (kinesis && string.IsNullOrWhiteSpace(iot.CredentialsEndpoint))
        {
            problems.Add("iot.credentialsEndpoint is required with kinesis: the account's credentials endpoint (aws iot describe-endpoint --endpoint-type iot:CredentialProvider).");
        }
        else if (iot.CredentialsEndpoint is { Length: > 0 } endpoint && !DeviceCertificate.TryParseEndpoint(endpoint, IotCredentialsProviderOptions.DefaultPort, out _, out _))
        {
            problems.Add($"iot.credentialsEndpoint: '{endpoint}' is not a host or host:port (no scheme, no path).");
        }
        if (kinesis && string.IsNullOrWhiteSpace(iot.RoleAlias))
        {
            problems.Add("iot.roleAlias is required with kinesis: the role alias whose role may write the cameras' streams.");
        }
        if (iot.DataEndpoint is { Length: > 0 } data && !DeviceCertificate.TryParseEndpoint(data, DeviceShadowClientOptions.DefaultPort, out _, out _))
        {
            problems.Add($"iot.dataEndpoint: '{data}' is not a host or host:port (no scheme, no path), such as xxxx-ats.iot.eu-west-1.amazonaws.com.");
        }
        if (iot.DeviceThing is { Length: > 0 } device && !ThingAndStreamName().IsMatch(device))
        {
            problems.Add($"iot.deviceThing: '{device}' is not an IoT thing name: 1 to 128 letters, digits, '_' and '-'.");
        }
        if (string.IsNullOrWhiteSpace(iot.Certificate) || string.IsNullOrWhiteSpace(iot.PrivateKey))
        {
            problems.Add("iot.certificate and iot.privateKey are required: PEM paths in which {camera} stands for the camera's stream name.");
        }
    }

    private static void CheckCertificate(RelayIotOptions iot, string thing, string whose, string baseDirectory, List<string> problems, out string? certificate, out string? key)
    {
        certificate = null;
        key = null;
        if (string.IsNullOrWhiteSpace(iot.Certificate) || string.IsNullOrWhiteSpace(iot.PrivateKey))
        {
            return;
        }
        certificate = Path.GetFullPath(iot.Certificate.Replace("{camera}", thing, StringComparison.Ordinal), baseDirectory);
        key = Path.GetFullPath(iot.PrivateKey.Replace("{camera}", thing, StringComparison.Ordinal), baseDirectory);
        if (!File.Exists(certificate))
        {
            problems.Add($"iot.certificate of {whose}: {certificate} does not exist or is not a file.");
        }
        if (!File.Exists(key))
        {
            problems.Add($"iot.privateKey of {whose}: {key} does not exist or is not a file.");
        }
        else if (PrivateKeyFile.OpenToOthers(key) is { } mode)
        {
            problems.Add($"iot.privateKey of {whose}: {key} is open to other users (mode {mode}); the relay refuses it: make it owner-only with chmod 600 {key}.");
        }
    }

    [GeneratedRegex(@"^[a-zA-Z0-9_.-]{1,256}$", RegexOptions.CultureInvariant)]
    private static partial Regex StreamName();

    /// <summary>What both a Kinesis stream name (<c>[a-zA-Z0-9_.-]{1,256}</c>) and an IoT thing name (<c>[a-zA-Z0-9:_-]{1,128}</c>) allow.</summary>
    [GeneratedRegex(@"^[a-zA-Z0-9_-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex ThingAndStreamName();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Region();
}
