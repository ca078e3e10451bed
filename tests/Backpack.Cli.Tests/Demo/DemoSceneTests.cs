using Backpack.Annotation;
using Backpack.Cli.Demo;
using Backpack.Geometry;
using Backpack.Imaging;

namespace Backpack.Cli.Tests.Demo;

public sealed class DemoSceneTests
{
    [Fact]
    public void Each_detection_is_annotated_with_its_class_score_and_track_id_in_the_colour_of_its_id()
    {
        using var scene = new DemoScene(320, 180, 30, seed: 4);
        using var frame = BgrFrame.Create(320, 180);
        for (var i = 0; i < 300; i++)
        {
            scene.Advance();
        }

        scene.Render(frame);

        scene.Detections.Should().NotBeEmpty();
        var boxes = scene.Annotations.OfType<BoundingBoxAnnotation>().ToList();
        boxes.Should().HaveCount(scene.Detections.Count);
        foreach (var (box, detection) in boxes.Zip(scene.Detections))
        {
            box.Rectangle.Should().Be(detection.Box);
            box.TopLabel.Should().Be($"{DemoScene.ClassName(detection.Class)} {detection.Score.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}");
            box.BottomLabel.Should().Be($"id {detection.TrackId}");
            box.Color.Should().Be(Color.FromId(detection.TrackId));
        }
    }

    [Fact]
    public void The_frame_shows_the_objects_over_the_background()
    {
        using var scene = new DemoScene(640, 360, 30, seed: 4);
        using var empty = BgrFrame.Create(640, 360);
        using var frame = BgrFrame.Create(640, 360);
        scene.Render(empty);
        var car = scene.World.Add(ObjectClass.Car, new Point(0.3, 0.55), new Point(0.1, 0), 0.11, 0.085);

        scene.Render(frame);

        // The middle of the car's body (below its windows, above its wheels) is painted in its colour.
        var x = (int)(car.Center.X * 640);
        var y = (int)((car.Box.Top + (car.Height * 0.6)) * 360);
        var pixel = frame.GetRow(y).Slice(x * 3, 3).ToArray();
        pixel.Should().Equal((byte)(car.BodyColor & 0xFF), (byte)((car.BodyColor >> 8) & 0xFF), (byte)(car.BodyColor >> 16));
        empty.GetRow(y).Slice(x * 3, 3).ToArray().Should().NotEqual(pixel);
    }

    [Fact]
    public void The_zone_lights_up_while_something_stands_in_it()
    {
        using var scene = new DemoScene(320, 180, 30, seed: 4);
        using var frame = BgrFrame.Create(320, 180);
        var middle = (StreetLayout.CrosswalkLeft + StreetLayout.CrosswalkRight) / 2;

        scene.Render(frame);
        var clear = scene.Annotations.OfType<PolyLineAnnotation>().Single();
        scene.World.Add(ObjectClass.Person, new Point(middle, 0.6), new Point(0, 0.01), 0.02, 0.1);
        scene.Advance();
        scene.Render(frame);
        var busy = scene.Annotations.OfType<PolyLineAnnotation>().Single();

        scene.Zone.Occupancy.Should().BeGreaterThanOrEqualTo(1);
        busy.FillColor!.Value.Alpha.Should().BeGreaterThan(clear.FillColor!.Value.Alpha);
        busy.Color.Should().NotBe(clear.Color);
        scene.Annotations.OfType<LabelAnnotation>().Should().Contain(label => label.Text.StartsWith("zone: ", StringComparison.Ordinal) && label.Text.Contains("inside"));
    }

    [Fact]
    public void The_counts_label_shows_the_line_crossings()
    {
        using var scene = new DemoScene(320, 180, 30, seed: 4);
        using var frame = BgrFrame.Create(320, 180);
        var line = StreetLayout.CountingLine;
        scene.World.Add(ObjectClass.Car, new Point(line.Pt1.X - 0.03, 0.55), new Point(0.6, 0), 0.05, 0.05);

        for (var i = 0; i < 10; i++)
        {
            scene.Advance();
        }
        scene.Render(frame);

        scene.Counter.In.Should().BeGreaterThanOrEqualTo(1);
        scene.Annotations.OfType<LabelAnnotation>().Should().Contain(label => label.Text == $"in {scene.Counter.In}  out {scene.Counter.Out}");
        scene.Annotations.OfType<LineAnnotation>().Single().Line.Should().Be(line);
    }

    [Fact]
    public void The_live_label_shows_the_loop_statistics_and_a_timestamp_is_drawn()
    {
        using var scene = new DemoScene(320, 180, 30);
        using var frame = BgrFrame.Create(320, 180);

        scene.SetLoopStatistics(29.94, TimeSpan.FromMilliseconds(3.26));
        scene.Render(frame);

        scene.StatusText.Should().Be("29.9 fps  3.3 ms/frame");
        scene.Annotations.OfType<LabelAnnotation>().Should().Contain(label => label.Text == scene.StatusText);
        scene.Annotations.OfType<TimestampAnnotation>().Should().ContainSingle(timestamp => timestamp.Timestamp == null, "a live clock");
    }

    [Fact]
    public void A_frame_of_another_size_is_refused()
    {
        using var scene = new DemoScene(320, 180, 30);
        using var frame = BgrFrame.Create(321, 180);

        var render = () => scene.Render(frame);

        render.Should().Throw<ArgumentException>().WithParameterName("frame").WithMessage("*321x180*320x180*");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(241)]
    [InlineData(double.NaN)]
    public void A_frame_rate_outside_1_to_240_is_refused(double fps)
    {
        var create = () => new DemoScene(320, 180, fps);

        create.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("framesPerSecond");
    }
}
