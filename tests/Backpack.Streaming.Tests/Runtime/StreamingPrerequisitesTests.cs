using Backpack.Streaming.Runtime;

namespace Backpack.Streaming.Tests.Runtime;

public sealed class StreamingPrerequisitesTests
{
    [Fact]
    public void Every_required_element_is_found_in_the_registry_of_this_machine()
    {
        var items = StreamingPrerequisites.Check();

        items.Should().Contain(item => item.Name == "GStreamer runtime" && item.IsPresent && item.Detail.StartsWith("1.", StringComparison.Ordinal));
        items.Where(item => item.IsRequired).Should().OnlyContain(item => item.IsPresent);
        items.Single(item => item.Name == "x264enc").Detail.Should().Be("plugin x264");
    }

    [Fact]
    public void Every_item_names_the_package_that_provides_it()
    {
        var items = StreamingPrerequisites.Check();

        items.Select(item => item.Name).Should().StartWith("GStreamer runtime")
            .And.Contain(StreamingPrerequisites.RequiredElements)
            .And.Contain(StreamingPrerequisites.OptionalElements)
            .And.Contain("RTSP server library");
        items.Single(item => item.Name == "x264enc").Package.Should().Be("gstreamer1.0-plugins-ugly");
        items.Single(item => item.Name == "h264parse").Package.Should().Be("gstreamer1.0-plugins-bad");
        items.Single(item => item.Name == "RTSP server library").Package.Should().Be("libgstrtspserver-1.0-0");
        items.Single(item => item.Name == "kvssink").IsRequired.Should().BeFalse();
    }
}
