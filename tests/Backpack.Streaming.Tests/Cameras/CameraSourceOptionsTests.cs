using Backpack.Streaming.Cameras;

namespace Backpack.Streaming.Tests.Cameras;

/// <summary>What a camera source refuses at construction, and that credentials never show.</summary>
public sealed class CameraSourceOptionsTests
{
    [Theory]
    [InlineData("ftp://camera.local/stream")]
    [InlineData("udp://239.0.0.1:5000")]
    public void An_unknown_scheme_is_refused_with_the_list_of_accepted_sources(string source)
    {
        var open = () => new CameraSource(new CameraSourceOptions { Source = source });

        open.Should().Throw<ArgumentException>()
            .WithMessage("*scheme*")
            .Where(exception => exception.Message.Contains("rtsp://") && exception.Message.Contains("file://") && exception.Message.Contains("v4l2://")
                && exception.Message.Contains("http://") && exception.Message.Contains("test:"));
    }

    [Fact]
    public void Settings_out_of_range_are_refused_with_a_message_that_names_them()
    {
        Open(new CameraSourceOptions()).Should().Throw<ArgumentException>().WithMessage("*Source is empty*");
        Open(new CameraSourceOptions { Source = "test:", Width = 0 }).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Width*");
        Open(new CameraSourceOptions { Source = "test:", FrameRate = double.NaN }).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*FrameRate*");
        Open(new CameraSourceOptions { Source = "test:", ReconnectDelay = TimeSpan.FromSeconds(5), MaxReconnectDelay = TimeSpan.FromSeconds(1) })
            .Should().Throw<ArgumentException>().WithMessage("*MaxReconnectDelay*");
        Open(new CameraSourceOptions { Source = "/nowhere/clip.mp4" }).Should().Throw<ArgumentException>().WithMessage("*does not exist*");
        Open(new CameraSourceOptions { Source = "test:no-such-pattern" }).Should().Throw<ArgumentException>().WithMessage("*cannot be opened*");
    }

    [Fact]
    public async Task Credentials_in_the_URL_never_reach_ToString_the_logs_or_the_reasons_of_failures()
    {
        var logger = new CapturingLogger();
        // Nothing listens on port 9: the connection fails and the source retries, logging why.
        await using var camera = new CameraSource(
            new CameraSourceOptions { Source = "rtsp://admin:s3cr3t-word@127.0.0.1:9/stream", ReconnectDelay = TimeSpan.FromMilliseconds(100), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) },
            logger);
        using var watch = new CameraWatch(camera);
        camera.Start();

        var failure = watch.WaitFor(CameraState.Reconnecting);
        await Task.Delay(500);

        camera.ToString().Should().Be("CameraSource rtsp://***@127.0.0.1:9/stream (Reconnecting)");
        camera.Source.Should().NotContain("s3cr3t");
        camera.Name.Should().NotContain("s3cr3t");
        failure.Reason.Should().NotBeNullOrEmpty().And.NotContain("s3cr3t");
        camera.Statistics.LastError.Should().NotContain("s3cr3t");
        camera.Statistics.Reconnects.Should().BeGreaterThan(0, "the source retried with its short back-off");
        logger.Entries.Should().NotBeEmpty().And.OnlyContain(entry => !entry.Message.Contains("s3cr3t") && !entry.Message.Contains("admin"));
    }

    [Fact]
    public void A_password_given_in_the_options_is_never_shown_either()
    {
        using var camera = new CameraSource(new CameraSourceOptions { Source = "rtsp://127.0.0.1:9/stream", UserName = "viewer", Password = "hunter2" });

        camera.ToString().Should().NotContain("hunter2").And.NotContain("viewer").And.Contain("***@");
    }

    private static Func<CameraSource> Open(CameraSourceOptions options) => () => new CameraSource(options);
}
