using Backpack.Geometry;

namespace Backpack.Tests.Geometry;

public sealed class LineTests
{
    private static readonly Line CountingLine = new(new Point(0.0, 0.5), new Point(1.0, 0.5));

    [Fact]
    public void A_segment_crossing_from_one_side_is_Left_and_from_the_other_Right_as_in_the_original()
    {
        // Python Backpack: LEFT when ccw(pt1, pt2, other.pt1), i.e. the other segment starts where the cross
        // product is positive — below a left-to-right line on the screen, where y grows downwards.
        var upwards = new Line(new Point(0.5, 0.8), new Point(0.5, 0.2));
        var downwards = new Line(new Point(0.5, 0.2), new Point(0.5, 0.8));

        CountingLine.Intersects(upwards).Should().Be(LineIntersection.Left);
        CountingLine.Intersects(downwards).Should().Be(LineIntersection.Right);
    }

    [Fact]
    public void Segments_that_do_not_cross_give_None()
    {
        CountingLine.Intersects(new Line(new Point(0.2, 0.1), new Point(0.3, 0.4))).Should().Be(LineIntersection.None);
        CountingLine.Intersects(new Line(new Point(1.2, 0.1), new Point(1.3, 0.9))).Should().Be(LineIntersection.None);
    }

    [Fact]
    public void A_line_indexes_its_end_points()
    {
        CountingLine[0].Should().Be(new Point(0.0, 0.5));
        CountingLine[1].Should().Be(new Point(1.0, 0.5));
        var act = () => CountingLine[-1];
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
