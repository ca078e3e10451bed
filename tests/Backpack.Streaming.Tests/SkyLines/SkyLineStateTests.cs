using Backpack.Imaging;
using Backpack.Streaming.SkyLines;

namespace Backpack.Streaming.Tests.SkyLines;

public sealed class SkyLineStateTests
{
    private static SinkSkyLine Create(ManualClock clock, int warmupFrames = 10, CapturingLogger? logger = null) =>
        new("fakesink", new SkyLineOptions { TimeProvider = clock, WarmupFrames = warmupFrames, MaxQueuedFrames = 256 }, logger);

    private static void PutAt(SkyLine skyLine, ManualClock clock, TimeSpan time, int width, int height, int index = 0)
    {
        clock.AdvanceTo(time);
        using var frame = TestFrames.Numbered(width, height, index);
        skyLine.Put(frame).Should().BeTrue();
    }

    [Fact]
    public void A_warmup_measures_the_frame_rate_from_arrival_times_and_the_size_from_the_frames_and_sends_none_of_them()
    {
        var clock = new ManualClock();
        using var skyLine = Create(clock);
        using var watch = new SkyLineWatch(skyLine);

        skyLine.StartStreaming();
        skyLine.State.Should().Be(SkyLineState.StartWarmup);
        PutAt(skyLine, clock, TimeSpan.Zero, 640, 360);
        skyLine.State.Should().Be(SkyLineState.Warmup);
        // A real warmup lasts long enough for its buffers to be prepared on another thread; this one is instantaneous.
        skyLine.WaitForPreparedBuffers(TimeSpan.FromSeconds(20)).Should().BeTrue();
        for (var i = 1; i < 10; i++)
        {
            PutAt(skyLine, clock, TimeSpan.FromMilliseconds(40 * i), 640, 360);
        }

        skyLine.State.Should().Be(SkyLineState.Streaming);
        skyLine.Format.Should().Be(new StreamFormat(25, 640, 360));
        for (var i = 10; i < 30; i++)
        {
            PutAt(skyLine, clock, TimeSpan.FromMilliseconds(40 * i), 640, 360);
        }
        skyLine.StopStreaming();

        skyLine.Statistics.FramesPut.Should().Be(30);
        skyLine.Statistics.FramesEncoded.Should().Be(20, "the ten warmup frames are measured, not sent");
        watch.WaitForChange(SkyLineState.Stopped);
        watch.Changes.Select(change => change.Current).Should().Equal(
            SkyLineState.StartWarmup, SkyLineState.Warmup, SkyLineState.Streaming, SkyLineState.Stopped);
    }

    [Fact]
    public void With_every_value_given_there_is_no_warmup()
    {
        var clock = new ManualClock();
        using var skyLine = Create(clock);

        skyLine.StartStreaming(fps: 30, width: 320, height: 240);

        skyLine.State.Should().Be(SkyLineState.Streaming);
        skyLine.Format.Should().Be(new StreamFormat(30, 320, 240));
        PutAt(skyLine, clock, TimeSpan.Zero, 320, 240);
        skyLine.StopStreaming();
        skyLine.Statistics.FramesEncoded.Should().Be(1);
    }

    [Fact]
    public void Values_in_the_options_are_the_first_sessions_and_skip_the_warmup()
    {
        using var skyLine = new SinkSkyLine("fakesink", new SkyLineOptions { FrameRate = 15, Width = 160, Height = 120 });

        skyLine.StartStreaming();

        skyLine.State.Should().Be(SkyLineState.Streaming);
        skyLine.Format.Should().Be(new StreamFormat(15, 160, 120));
    }

    [Fact]
    public void A_restart_reuses_the_last_sessions_values_and_auto_measures_again_only_what_it_names()
    {
        var clock = new ManualClock();
        using var skyLine = Create(clock, warmupFrames: 5);
        skyLine.StartStreaming();
        for (var i = 0; i < 5; i++)
        {
            PutAt(skyLine, clock, TimeSpan.FromMilliseconds(100 * i), 320, 180);
        }
        skyLine.Format.Should().Be(new StreamFormat(10, 320, 180));
        skyLine.StopStreaming();

        skyLine.StartStreaming();
        skyLine.State.Should().Be(SkyLineState.Streaming, "the last session's values are all known");
        skyLine.Format.Should().Be(new StreamFormat(10, 320, 180));
        skyLine.StopStreaming();

        skyLine.StartStreaming(fps: SkyLine.Auto);
        skyLine.State.Should().Be(SkyLineState.StartWarmup);
        for (var i = 0; i < 5; i++)
        {
            PutAt(skyLine, clock, TimeSpan.FromSeconds(10) + TimeSpan.FromMilliseconds(50 * i), 640, 480);
        }
        skyLine.Format.Should().Be(new StreamFormat(20, 320, 180), "only the frame rate was measured again; the size stayed");
        skyLine.StopStreaming();
        skyLine.State.Should().Be(SkyLineState.Stopped);
    }

    [Fact]
    public void An_odd_measured_size_becomes_the_next_even_one_and_a_jittery_rate_is_rounded_when_close()
    {
        var clock = new ManualClock();
        using var skyLine = Create(clock, warmupFrames: 4);
        skyLine.StartStreaming();

        foreach (var milliseconds in new[] { 0, 66, 134, 199 })
        {
            PutAt(skyLine, clock, TimeSpan.FromMilliseconds(milliseconds), 101, 77);
        }

        skyLine.Format.Should().Be(new StreamFormat(15, 102, 78));
    }

    [Fact]
    public void Put_while_stopped_returns_false_and_keeps_nothing()
    {
        using var skyLine = Create(new ManualClock());
        using var frame = TestFrames.Numbered(64, 48, 0);

        skyLine.Put(frame).Should().BeFalse();
        skyLine.StartStreaming(30, 64, 48);
        skyLine.StopStreaming();
        skyLine.StopStreaming();
        skyLine.Put(frame).Should().BeFalse();

        skyLine.Statistics.Should().Be(new SkyLineStatistics(SkyLineState.Stopped, 0, 0, 0, 0, 0, 0, 0, null));
    }

    [Fact]
    public void Starting_twice_is_refused_and_a_disposed_SkyLine_neither_starts_nor_takes_frames()
    {
        var skyLine = Create(new ManualClock());
        skyLine.StartStreaming(30, 64, 48);

        var again = () => skyLine.StartStreaming(30, 64, 48);
        again.Should().Throw<InvalidOperationException>().WithMessage("*Streaming*StopStreaming*");

        skyLine.Dispose();
        skyLine.Dispose();
        using var frame = TestFrames.Numbered(64, 48, 0);
        skyLine.Put(frame).Should().BeFalse();
        skyLine.State.Should().Be(SkyLineState.Stopped);
        var start = () => skyLine.StartStreaming(30, 64, 48);
        start.Should().Throw<ObjectDisposedException>();
    }

    [Theory]
    [InlineData(-2, 320, 240, "fps")]
    [InlineData(double.NaN, 320, 240, "fps")]
    [InlineData(1001, 320, 240, "fps")]
    [InlineData(30, 321, 240, "width")]
    [InlineData(30, 320, -5, "height")]
    [InlineData(30, 320, 20000, "height")]
    public void Values_out_of_range_are_refused_with_what_is_expected(double fps, int width, int height, string parameter)
    {
        using var skyLine = Create(new ManualClock());

        var start = () => skyLine.StartStreaming(fps, width, height);

        start.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(parameter);
        skyLine.State.Should().Be(SkyLineState.Stopped);
    }

    [Fact]
    public void Bad_frames_are_refused_with_what_is_expected()
    {
        using var skyLine = Create(new ManualClock());
        skyLine.StartStreaming(30, 64, 48);
        var bytes = new byte[64 * 48 * 3];

        var nullFrame = () => skyLine.Put(null!);
        var noPixels = () => skyLine.Put(bytes, 0, 48, 192);
        var tooShort = () => skyLine.Put(bytes.AsSpan(0, 100), 64, 48, 192);
        var narrowStride = () => skyLine.Put(bytes, 64, 48, 100);

        nullFrame.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("frame");
        noPixels.Should().Throw<ArgumentException>().WithMessage("*0x48*expected a BGR frame of at least 1x1*").Which.ParamName.Should().Be("width");
        tooShort.Should().Throw<ArgumentException>().WithMessage("*holds 100 bytes*needs at least 9216*").Which.ParamName.Should().Be("bgr");
        narrowStride.Should().Throw<ArgumentException>().WithMessage("*stride 100*at least 192*").Which.ParamName.Should().Be("stride");
        skyLine.Put(bytes, 64, 48, 192).Should().BeTrue("the span overload takes raw BGR memory");
        skyLine.Statistics.FramesPut.Should().Be(1);
    }

    [Fact]
    public void Options_out_of_range_are_refused_when_set()
    {
        var warmup = () => new SkyLineOptions { WarmupFrames = 1 };
        var preset = () => new SkyLineOptions { SpeedPreset = "quick" };
        var width = () => new SkyLineOptions { Width = 641 };
        var delays = () => new SinkSkyLine("fakesink", new SkyLineOptions { RestartDelay = TimeSpan.FromSeconds(10), MaxRestartDelay = TimeSpan.FromSeconds(5) });

        warmup.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("WarmupFrames");
        preset.Should().Throw<ArgumentException>().WithMessage("*ultrafast*").Which.ParamName.Should().Be("SpeedPreset");
        width.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*even*").Which.ParamName.Should().Be("Width");
        delays.Should().Throw<ArgumentException>().WithMessage("*MaxRestartDelay*").Which.ParamName.Should().Be("options");
    }

    [Fact]
    public void The_encoder_choice_is_logged()
    {
        var logger = new CapturingLogger();

        using var software = new SinkSkyLine("fakesink", new SkyLineOptions { PreferHardwareEncoder = false }, logger);
        using var preferred = new SinkSkyLine("fakesink", loggerFactory: logger);

        software.EncoderElement.Should().Be("x264enc");
        logger.Entries.Should().Contain(entry => entry.Message.Contains("encodes with x264enc (software)") && entry.Message.Contains("hardware not preferred"));
        // What the machine has decides the choice; the log says it either way.
        logger.Entries.Should().Contain(entry => preferred.EncoderElement == "x264enc"
            ? entry.Message.Contains("encodes with x264enc (software)") && entry.Message.Contains("nvv4l2h264enc")
            : entry.Message.Contains($"encodes with the hardware encoder {preferred.EncoderElement}"));
    }
}
