using Backpack.Streaming.GStreamer;
using Backpack.Streaming.Runtime;

namespace Backpack.Streaming.Tests.GStreamer;

public sealed class GStreamerRuntimeTests
{
    [Fact]
    public void Present_elements_pass_the_requirement_check()
    {
        var check = () => GStreamerRuntime.RequireElements(["appsrc", "x264enc", "matroskamux"], "A test");

        check.Should().NotThrow();
        GStreamerRuntime.HasElement("x264enc").Should().BeTrue();
    }

    [Fact]
    public void A_missing_element_is_named_with_its_Debian_package_or_origin()
    {
        var kvs = () => GStreamerRuntime.RequireElements(["appsrc", "kvssink"], "KVS streaming");
        var several = () => GStreamerRuntime.RequireElements(["nosuchelement", "vaapih264enc"], "A test");

        var missingKvs = kvs.Should().Throw<GStreamerUnavailableException>().Which;
        missingKvs.Element.Should().Be("kvssink");
        missingKvs.Package.Should().Contain("amazon-kinesis-video-streams-producer-sdk-cpp");
        missingKvs.Message.Should().StartWith("KVS streaming needs the GStreamer element kvssink").And.Contain("backpack doctor");
        var missingSeveral = several.Should().Throw<GStreamerUnavailableException>().Which;
        missingSeveral.Element.Should().Be("nosuchelement");
        missingSeveral.Message.Should().Contain("nosuchelement").And.Contain("vaapih264enc (Debian package: gstreamer1.0-vaapi)")
            .And.Contain("sudo apt-get install gstreamer1.0-vaapi");
    }

    [Fact]
    public void Scanning_a_directory_without_plugins_adds_nothing()
    {
        var empty = Directory.CreateTempSubdirectory("backpack-plugins-").FullName;
        try
        {
            GStreamerRuntime.ScanPluginPath(empty + ":/no/such/directory").Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
