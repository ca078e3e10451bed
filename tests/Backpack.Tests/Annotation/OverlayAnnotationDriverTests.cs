using Backpack.Annotation;
using Backpack.Geometry;

namespace Backpack.Tests.Annotation;

using Annotation = Backpack.Annotation.Annotation;

public sealed class OverlayAnnotationDriverTests
{
    [Fact]
    public void Rectangles_and_labels_pass_through()
    {
        var media = new RecordingMedia();

        new OverlayAnnotationDriver().Render([
            new RectAnnotation(new Rectangle(0.5, 0.6, 0.1, 0.2), HtmlColors.Red),
            new LabelAnnotation(new Point(0.3, 0.4), "hello", null, HorizontalAnchor.Center, VerticalAnchor.Top, 2),
        ], media);

        media.Calls.Should().Equal(
            "rect [(0.1, 0.2), (0.5, 0.6)] #ff0000",
            "label 'hello' (0.3, 0.4) default Center Top 2");
    }

    [Fact]
    public void Markers_become_their_symbol_as_a_label_as_in_the_original()
    {
        var media = new RecordingMedia();

        new OverlayAnnotationDriver().Render(
            Enum.GetValues<MarkerStyle>().Select(style => (Annotation)new MarkerAnnotation(new Point(0.5, 0.5), style)).ToList(),
            media);

        media.Calls.Select(call => call.Split('\'')[1]).Should().Equal("+", "x", "*", "<>", "||", "/\\", "\\/");
        media.Calls.Should().OnlyContain(call => call.EndsWith("Center Center 1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bounding_box_becomes_its_rectangle_and_labels_above_and_below()
    {
        var media = new RecordingMedia();

        new OverlayAnnotationDriver().Render([new BoundingBoxAnnotation(new Rectangle(0.1, 0.2, 0.3, 0.4), "car", "id 3", HtmlColors.Lime)], media);

        media.Calls.Should().Equal(
            "rect [(0.1, 0.2), (0.3, 0.4)] #00ff00",
            "label 'car' (0.1, 0.2) #00ff00 Left Bottom 1",
            "label 'id 3' (0.1, 0.4) #00ff00 Left Top 1");
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("", null)]
    [InlineData(null, "")]
    public void Empty_labels_of_a_bounding_box_are_not_sent_to_the_media_as_in_the_original(string? top, string? bottom)
    {
        var media = new RecordingMedia();

        new OverlayAnnotationDriver().Render([new BoundingBoxAnnotation(new Rectangle(0.1, 0.2, 0.3, 0.4), top, bottom, HtmlColors.Lime)], media);

        media.Calls.Should().Equal("rect [(0.1, 0.2), (0.3, 0.4)] #00ff00");
    }

    [Fact]
    public void A_timestamp_becomes_its_text_at_its_point()
    {
        var media = new RecordingMedia();
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 21, 8, 9, 10, TimeSpan.Zero));

        new OverlayAnnotationDriver(clock).Render([new TimestampAnnotation(), new TimestampAnnotation(new DateTime(2020, 1, 2, 3, 4, 5))], media);

        media.Calls.Should().Equal(
            "label '2026-11-21 08:09:10' (0.02, 0.04) default Left Bottom 1",
            "label '2020-01-02 03:04:05' (0.02, 0.04) default Left Bottom 1");
    }

    [Fact]
    public void Lines_and_polyline_segments_reach_a_media_that_draws_lines()
    {
        var media = new RecordingLineMedia();

        new OverlayAnnotationDriver().Render([
            new LineAnnotation(new Line(new Point(0, 0), new Point(1, 1)), HtmlColors.Blue, 3),
            new PolyLineAnnotation(new PolyLine([new(0, 0), new(1, 0), new(1, 1)]), 2),
        ], media);

        media.Calls.Should().Equal(
            "line [(0, 0), (1, 1)] #0000ff 3",
            "line [(0, 0), (1, 0)] default 2",
            "line [(1, 0), (1, 1)] default 2",
            "line [(1, 1), (0, 0)] default 2");
    }

    [Fact]
    public void What_the_media_cannot_show_is_left_out_and_said_once_in_the_log()
    {
        var logs = new ListLoggerFactory();
        var media = new RecordingMedia();
        var driver = new OverlayAnnotationDriver(loggerFactory: logs);
        var zone = new PolyLineAnnotation(new PolyLine([new(0, 0), new(1, 0), new(1, 1)]), 1, null, HtmlColors.Red);
        var line = new LineAnnotation(new Line(new Point(0, 0), new Point(1, 1)));

        driver.Render([zone, line, zone, line], media);
        driver.Render([zone, line], media);

        media.Calls.Should().BeEmpty();
        logs.Messages.Should().HaveCount(3).And.OnlyContain(message => message.Text.Contains("cannot show", StringComparison.Ordinal));
    }

    [Fact]
    public void Annotations_with_NaN_coordinates_are_skipped()
    {
        var media = new RecordingMedia();
        var driver = new OverlayAnnotationDriver();

        driver.Render([new RectAnnotation(new Rectangle(double.NaN, 0, 1, 1)), new LabelAnnotation(new Point(0.5, double.NaN), "x")], media);

        media.Calls.Should().BeEmpty();
        driver.SkippedCount.Should().Be(2);
    }

    private class RecordingMedia : IOverlayMedia
    {
        internal List<string> Calls { get; } = [];

        public void AddRect(Rectangle rectangle, Color? color) => Calls.Add($"rect {rectangle} {Describe(color)}");

        public void AddLabel(string text, Point point, Color? color, HorizontalAnchor horizontalAnchor, VerticalAnchor verticalAnchor, double size) =>
            Calls.Add(FormattableString.Invariant($"label '{text}' {point} {Describe(color)} {horizontalAnchor} {verticalAnchor} {size}"));

        protected static string Describe(Color? color) => color?.ToString() ?? "default";
    }

    private sealed class RecordingLineMedia : RecordingMedia, ILineOverlayMedia
    {
        public void AddLine(Line line, Color? color, int thickness) => Calls.Add($"line {line} {Describe(color)} {thickness}");
    }
}
