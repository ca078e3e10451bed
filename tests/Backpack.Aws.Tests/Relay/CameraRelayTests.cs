using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Backpack.Aws.Relay;
using Backpack.Aws.Tests.Iot;
using Backpack.Aws.Tests.Kinesis.Producer;
using FluentAssertions;
using Xunit;
using Xunit.Abstractions;

namespace Backpack.Aws.Tests.Relay;

/// <summary>
/// The relay end to end: two cameras to a local Kinesis endpoint, each with its own certificate through a local IoT
/// credentials endpoint, switched on and off through its thing shadow on a real mosquitto broker.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class CameraRelayTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private static readonly string[] Cameras = ["dock-1", "dock-2"];
    private readonly TestPki _pki = new();
    private readonly CapturingLoggerFactory _logs = new();
    private LocalIotCredentialsEndpoint _iot = null!;
    private LocalKinesisVideoEndpoint _kinesis = null!;
    private MosquittoBroker _broker = null!;
    private ShadowResponder _shadows = null!;

    public async Task InitializeAsync()
    {
        _iot = await LocalIotCredentialsEndpoint.StartAsync(_pki);
        foreach (var camera in Cameras)
        {
            _iot.Attach(_pki.IssueDevice(camera).Certificate, camera);
        }
        _kinesis = await LocalKinesisVideoEndpoint.StartAsync();
        foreach (var camera in Cameras)
        {
            _kinesis.AddStream(camera);
        }
        _broker = await MosquittoBroker.StartAsync(_pki);
        _shadows = await ShadowResponder.StartAsync(_broker, _pki);
    }

    public async Task DisposeAsync()
    {
        // What the relay logged, for a run that failed.
        foreach (var entry in _logs.Entries.Where(entry => entry.Level >= Microsoft.Extensions.Logging.LogLevel.Information))
        {
            output.WriteLine($"{entry.Level} {entry.Category}: {entry.Message}{(entry.Exception is null ? string.Empty : " " + entry.Exception.Message)}");
        }
        await _shadows.DisposeAsync();
        await _broker.DisposeAsync();
        await _kinesis.DisposeAsync();
        await _iot.DisposeAsync();
    }

    public void Dispose()
    {
        _pki.Dispose();
        _logs.Dispose();
    }

    [Fact]
    public async Task Flipping_desired_streaming_ends_one_cameras_Kinesis_session_within_2_s_while_the_other_goes_on_and_true_resumes_it()
    {
        await using var relay = new CameraRelay(Options(enabled: true), _pki.Directory, _logs);
        await relay.StartAsync();
        await WaitForPersistedAsync("dock-1", 2);
        await WaitForPersistedAsync("dock-2", 2);

        var flipped = Stopwatch.StartNew();
        await _shadows.SetDesiredAsync("dock-1", null, new JsonObject { ["streaming"] = false });
        await LocalKinesisVideoEndpoint.WaitUntilAsync(() => SessionsOf("dock-1").All(session => session.Ended.IsCompleted), TimeSpan.FromSeconds(10), "dock-1's session to end");
        var ended = flipped.Elapsed;
        output.WriteLine($"dock-1's session ended {ended.TotalMilliseconds:0} ms after desired.streaming became false");

        ended.Should().BeLessThan(TimeSpan.FromSeconds(2));
        SessionsOf("dock-1").Should().OnlyContain(session => session.EndOfFragmentTagSeen && session.Outcome == "completed", "the session closes its last fragment");
        var dock2Before = _kinesis.Stream("dock-2").UniqueFragments.Count;
        await WaitForPersistedAsync("dock-2", dock2Before + 2);
        SessionsOf("dock-2").Should().Contain(session => !session.Ended.IsCompleted, "the other camera goes on");
        await ShadowResponder.WaitUntilAsync(() => _shadows.Reported("dock-1")?["streaming"]?.GetValue<bool>() == false, "dock-1 reported off");

        var sessionsBefore = SessionsOf("dock-1").Count;
        var dock1Before = _kinesis.Stream("dock-1").UniqueFragments.Count;
        await _shadows.SetDesiredAsync("dock-1", null, new JsonObject { ["streaming"] = true });
        await WaitForPersistedAsync("dock-1", dock1Before + 2);
        SessionsOf("dock-1").Count.Should().BeGreaterThan(sessionsBefore, "true resumes the camera with a new session");
        await ShadowResponder.WaitUntilAsync(() => _shadows.Reported("dock-1")?["streaming"]?.GetValue<bool>() == true, "dock-1 reported on");
        var reported = _shadows.Reported("dock-1")!;
        reported["since"]!.GetValue<long>().Should().BeCloseTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 30);

        await relay.DisposeAsync();
        _kinesis.Violations.Should().BeEmpty();
        foreach (var camera in Cameras)
        {
            SessionsOf(camera).Should().OnlyContain(session => session.EndOfFragmentTagSeen, $"every session of {camera} ends with its last fragment closed, the stop's included");
            _kinesis.Stream(camera).UniqueFragments.Should().OnlyContain(fragment => fragment.Persisted && fragment.StartsWithKeyFrame);
        }
        _kinesis.Sessions.Should().OnlyContain(session => session.AccessKey.StartsWith("ASIAIOTBACKPACK", StringComparison.Ordinal), "the cameras sign with their IoT credentials");
        _iot.Requests.Select(request => request.ThingName).Distinct().Should().BeEquivalentTo(Cameras, "each camera asks for credentials as its own thing");
    }

    [Fact]
    public async Task The_shadows_desired_streaming_read_at_start_overrides_the_configuration()
    {
        await _shadows.SetDesiredAsync("dock-1", null, new JsonObject { ["streaming"] = false });
        await _shadows.SetDesiredAsync("dock-2", null, new JsonObject { ["streaming"] = true });
        await using var relay = new CameraRelay(Options(enabled: null), _pki.Directory, _logs);

        await relay.StartAsync();

        await WaitForPersistedAsync("dock-2", 2);
        await ShadowResponder.WaitUntilAsync(() => _shadows.Reported("dock-1")?["streaming"]?.GetValue<bool>() == false, "dock-1 reported off");
        await ShadowResponder.WaitUntilAsync(() => _shadows.Reported("dock-2")?["streaming"]?.GetValue<bool>() == true, "dock-2 reported on");
        relay.Status().Select(camera => (camera.StreamName, camera.Streaming)).Should().Equal(("dock-1", false), ("dock-2", true));
        // dock-1 streams as configured until its shadow is read, then stops with any session's last fragment closed.
        await LocalKinesisVideoEndpoint.WaitUntilAsync(() => SessionsOf("dock-1").All(session => session.Ended.IsCompleted), TimeSpan.FromSeconds(5), "dock-1's sessions to end");
        // It may also never have opened one, when the shadow was read before its first fragment.
        SessionsOf("dock-1").Where(session => !session.EndOfFragmentTagSeen).Should().BeEmpty();
        var dock1 = _kinesis.Stream("dock-1").Fragments.Count;
        var dock2 = _kinesis.Stream("dock-2").Fragments.Count;
        await WaitForPersistedAsync("dock-2", dock2 + 2);
        _kinesis.Stream("dock-1").Fragments.Count.Should().Be(dock1, "dock-1 stays off while dock-2 goes on");
    }

    [Fact]
    public async Task A_passthrough_camera_reaches_Kinesis_and_RTSP_with_its_own_stream_one_fragment_per_camera_key_frame()
    {
        using var camera = Backpack.Streaming.Tests.Cameras.CameraServer.Start(Backpack.Streaming.Tests.Cameras.CameraClips.Camera);
        var options = Options(enabled: true);
        // The camera's own 640x360 goes through: the configured 320x240 would only be the size of a re-encoding.
        options.Cameras = [new RelayCameraOptions { Name = "dock-1", Source = camera.Url, Video = new RelayVideoOptions { Mode = RelayMode.Passthrough } }];
        options.Rtsp = new RelayRtspOptions { Port = Backpack.Streaming.Tests.Cameras.CameraServer.FreePort(), Bind = "127.0.0.1" };
        await using var relay = new CameraRelay(options, _pki.Directory, _logs);
        await relay.StartAsync();
        await WaitForPersistedAsync("dock-1", 4);

        var rtsp = Ffprobe(["-rtsp_transport", "tcp", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,profile", "-of", "csv=p=0", relay.RtspUrls["dock-1"].ToString()]);
        var status = relay.Status().Single();
        await relay.DisposeAsync();

        rtsp.Should().Be(ClipStream(), "the RTSP viewer gets the camera's own stream: its codec, size and profile");
        var fragments = _kinesis.Stream("dock-1").UniqueFragments;
        fragments.Should().OnlyContain(fragment => fragment.Persisted && fragment.StartsWithKeyFrame);
        // One fragment per camera key frame (1 s fragments, a key frame each second): 30 frames each, the last one cut by the stop.
        fragments.SkipLast(1).Should().OnlyContain(fragment => fragment.FrameCount == 30, string.Join(", ", fragments));
        _kinesis.Violations.Should().BeEmpty();
        using var directory = Backpack.Streaming.Tests.TestFrames.TemporaryDirectory();
        var file = directory.File("dock-1.mkv");
        _kinesis.WriteUniqueFragmentsToFile("dock-1", file);
        Ffprobe(["-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,profile", "-of", "csv=p=0", file])
            .Should().Be(ClipStream(), "Kinesis stores the camera's own stream");
        status.FramesIn.Should().BeGreaterThan(60, "the camera's units count as frames in");
        status.FramesOut.Should().BeGreaterThan(60, "units handed to the outputs count as frames out");
        _logs.Entries.Should().NotContain(entry => entry.Message.Contains("through x264enc", StringComparison.Ordinal), "nothing was encoded");
    }

    [Fact]
    public async Task A_passthrough_camera_whose_key_frames_are_12_s_apart_is_re_encoded_at_the_configured_size_with_one_warning_that_says_why()
    {
        using var camera = Backpack.Streaming.Tests.Cameras.CameraServer.Start(Backpack.Streaming.Tests.Cameras.CameraClips.SparseKeyFrames);
        var options = Options(enabled: true);
        options.Cameras = [new RelayCameraOptions { Name = "dock-1", Source = camera.Url, Video = new RelayVideoOptions { Mode = RelayMode.Passthrough } }];
        await using var relay = new CameraRelay(options, _pki.Directory, _logs);
        await relay.StartAsync();
        // Passed through until 10 s without a key frame tell the stream cannot go; re-encoded with 1 s key frames from then on.
        await LocalKinesisVideoEndpoint.WaitUntilAsync(
            () => _kinesis.Stream("dock-1").UniqueFragments.Count(fragment => fragment.Persisted && fragment.FrameCount == 15) >= 2,
            TimeSpan.FromSeconds(40), "two 1 s fragments of the re-encoded stream (15 fps)");
        var status = relay.Status().Single();
        await relay.DisposeAsync();

        _logs.Entries.Where(entry => entry.Level == Microsoft.Extensions.Logging.LogLevel.Warning && entry.Message.Contains("as it is", StringComparison.Ordinal))
            .Should().ContainSingle(string.Join('\n', _logs.Lines)).Which.Message.Should().Contain("10 s fragment limit of Kinesis Video Streams");
        _logs.Entries.Should().Contain(entry => entry.Message.Contains("re-encoding it at 320x240@15", StringComparison.Ordinal));
        _kinesis.Violations.Should().BeEmpty();
        _kinesis.Stream("dock-1").UniqueFragments.Should().OnlyContain(fragment => fragment.Persisted && fragment.StartsWithKeyFrame);
        SessionsOf("dock-1").Should().HaveCountGreaterThanOrEqualTo(2, "the re-encoded stream has a configuration of its own: a new Kinesis session");
        status.SkyLine.Should().Be(Backpack.Streaming.SkyLines.SkyLineState.Streaming);
        status.FramesOut.Should().BeGreaterThan(0);
    }

    private static string ClipStream() =>
        Ffprobe(["-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,profile", "-of", "csv=p=0", Backpack.Streaming.Tests.Cameras.CameraClips.Camera]);

    private static string Ffprobe(string[] arguments)
    {
        var result = Backpack.Streaming.Tests.Rtsp.ChildProcess.Run("ffprobe", ["-v", "error", .. arguments], TimeSpan.FromSeconds(30));
        result.ExitCode.Should().Be(0, result.ToString());
        return result.Output.Trim();
    }

    /// <summary>Both cameras: test patterns at 320x240 and 15 fps, 1 s fragments; <paramref name="enabled"/> null: dock-1 on, dock-2 off.</summary>
    private CameraRelayOptions Options(bool? enabled) => new()
    {
        Cameras =
        [
            new RelayCameraOptions { Name = "dock-1", Source = "test:", Enabled = enabled ?? true },
            new RelayCameraOptions { Name = "dock-2_0f8fad5b-d9cb-469f-a165-70867728950e", Source = "test:", Enabled = enabled ?? false },
        ],
        Video = new RelayVideoOptions { Width = 320, Height = 240, Fps = 15 },
        Kinesis = new RelayKinesisOptions { Region = _kinesis.Region, EndpointUrl = _kinesis.ControlPlaneUrl.ToString(), FragmentSeconds = 1 },
        Iot = new RelayIotOptions
        {
            CredentialsEndpoint = _iot.Endpoint,
            RoleAlias = "BackpackRole",
            Certificate = "{camera}-cert.pem",
            PrivateKey = "{camera}-private.key",
            RootCa = _pki.RootCaPath,
            DataEndpoint = _broker.Endpoint,
        },
    };

    private List<KvsSessionRecord> SessionsOf(string stream) => [.. _kinesis.Sessions.Where(session => session.StreamName == stream)];

    private Task WaitForPersistedAsync(string stream, int fragments) =>
        LocalKinesisVideoEndpoint.WaitUntilAsync(
            () => _kinesis.Stream(stream).UniqueFragments.Count(fragment => fragment.Persisted) >= fragments,
            TimeSpan.FromSeconds(30),
            $"{fragments} fragments of {stream} persisted");
}
