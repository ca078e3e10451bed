using Backpack.Annotation;
using Backpack.Geometry;
using Backpack.Imaging;
using Microsoft.Extensions.Logging;

namespace Backpack.Tests.Annotation;

public sealed class AnnotationDriverTests
{
    private static readonly Point Nowhere = new(double.NaN, 0.5);

    [Fact]
    public void The_skip_warning_counts_each_type_of_annotation_it_skipped()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var logs = new ListLoggerFactory();
        var driver = new RasterAnnotationDriver(timeProvider: clock, loggerFactory: logs);
        using var frame = BgrFrame.Create(20, 20);

        driver.Render([new LineAnnotation(new Line(Nowhere, Nowhere))], frame);
        driver.Render([new LabelAnnotation(Nowhere, "a"), new LineAnnotation(new Line(Nowhere, Nowhere)), new LineAnnotation(new Line(Nowhere, Nowhere))], frame);
        clock.Advance(TimeSpan.FromSeconds(10));
        driver.Render([new MarkerAnnotation(Nowhere)], frame);

        driver.SkippedCount.Should().Be(5);
        logs.Messages.Where(message => message.Level == LogLevel.Warning).Select(message => message.Text).Should().Equal(
            "Skipped 1 annotation(s) with NaN or infinite coordinates: 1 LineAnnotation",
            "Skipped 4 annotation(s) with NaN or infinite coordinates: 1 LabelAnnotation, 2 LineAnnotation, 1 MarkerAnnotation");
    }
}
