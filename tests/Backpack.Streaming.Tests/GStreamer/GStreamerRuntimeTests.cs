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
