using Backpack.Streaming.Tests.Runtime;

namespace Backpack.Streaming.Tests.GStreamer;

/// <summary>
/// What a missing element is reported as. The elements are made surely absent (a registry of only the plugins
/// SkyLine needs, in a process of its own), so these tests pass on a Jetson, a VA-API box or a machine with
/// kvssink as well as here.
/// </summary>
public sealed class MissingElementTests : IDisposable
{
    private static readonly string[] Plugins = ["libgstcoreelements.so", "libgstapp.so", "libgstvideoconvertscale.so", "libgstx264.so", "libgstvideoparsersbad.so"];

    private readonly TemporaryDirectory _registry = TestFrames.TemporaryDirectory();
    private readonly Lazy<ScenarioProcess.Result> _result;

    public MissingElementTests() => _result = new(Run);

    private ScenarioProcess.Result Result => _result.Value;

    [Fact]
    public void A_missing_element_is_named_with_its_Debian_package_or_origin()
    {
        Result["has-x264enc"].Should().Be("True", "the registry has the plugins SkyLine needs");
        Result["kvs.element"].Should().Be("kvssink");
        Result["kvs.package"].Should().Contain("amazon-kinesis-video-streams-producer-sdk-cpp");
        Result["kvs.message"].Should().StartWith("KVS streaming needs the GStreamer element kvssink").And.Contain("backpack doctor");
        Result["several.element"].Should().Be("nosuchelement");
        Result["several.message"].Should().Contain("nosuchelement").And.Contain("vaapih264enc (Debian package: gstreamer1.0-vaapi)")
            .And.Contain("sudo apt-get install gstreamer1.0-vaapi");
    }

    [Fact]
    public void A_sink_that_is_not_installed_is_named_with_where_it_comes_from_and_without_the_secrets_of_its_description()
    {
        Result["sink.element"].Should().Be("kvssink");
        Result["sink.package"].Should().Contain("amazon-kinesis-video-streams-producer-sdk-cpp");
        Result["sink.message"].Should().Contain("kvssink").And.NotContain("AKIAEXAMPLE");
    }

    [Fact]
    public void An_encoder_that_is_not_installed_is_named_with_its_package_and_none_is_chosen_when_none_works()
    {
        Result["nvidia.package"].Should().Contain("NVIDIA JetPack");
        Result["vaapi.element"].Should().Be("vaapih264enc");
        Result["vaapi.message"].Should().Contain("sudo apt-get install gstreamer1.0-vaapi");
        Result["chosen"].Should().Be("x264enc", "no hardware encoder is in the registry");
    }

    [Fact]
    public void A_camera_source_whose_elements_are_not_installed_names_them_with_their_Debian_packages_and_no_credential()
    {
        Result["camera.element"].Should().Be("rtspsrc");
        Result["camera.package"].Should().Be("gstreamer1.0-plugins-good");
        Result["camera.message"].Should().StartWith("The camera source rtsp://***@127.0.0.1:9/stream needs the GStreamer elements rtspsrc (Debian package: gstreamer1.0-plugins-good)")
            .And.Contain("decodebin (Debian package: gstreamer1.0-plugins-base)")
            .And.NotContain("s3cr3t");
    }

    public void Dispose() => _registry.Dispose();

    private ScenarioProcess.Result Run()
    {
        var plugins = Directory.CreateDirectory(_registry.File("plugins")).FullName;
        var system = new[] { "/usr/lib/x86_64-linux-gnu/gstreamer-1.0", "/usr/lib/aarch64-linux-gnu/gstreamer-1.0", "/usr/lib/gstreamer-1.0" }
            .First(directory => File.Exists(Path.Combine(directory, Plugins[0])));
        foreach (var plugin in Plugins)
        {
            File.CreateSymbolicLink(Path.Combine(plugins, plugin), Path.Combine(system, plugin));
        }
        return ScenarioProcess.Run(RuntimeScenarios.MissingElements, [], environment: new Dictionary<string, string?>
        {
            ["GST_PLUGIN_SYSTEM_PATH_1_0"] = plugins,
            ["GST_PLUGIN_SYSTEM_PATH"] = plugins,
            ["GST_PLUGIN_PATH_1_0"] = null,
            ["GST_PLUGIN_PATH"] = null,
            ["GST_REGISTRY_1_0"] = _registry.File("registry.bin"),
            ["GST_REGISTRY"] = _registry.File("registry.bin"),
        });
    }
}
