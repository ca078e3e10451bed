using Backpack.Geometry;

namespace Backpack.Tests.Geometry;

public sealed class PointTests
{
    [Fact]
    public void Points_add_subtract_and_divide_as_vectors()
    {
        var a = new Point(0.1, 0.2);
        var b = new Point(0.3, 0.6);

        (a + b).Should().Be(new Point(0.1 + 0.3, 0.2 + 0.6));
        (b - a).Should().Be(new Point(0.3 - 0.1, 0.6 - 0.2));
        (b / 2).Should().Be(new Point(0.15, 0.3));
    }

    [Fact]
    public void A_point_indexes_and_deconstructs_into_x_and_y()
    {
        var point = new Point(0.25, 0.75);
        var (x, y) = point;

        (point[0], point[1]).Should().Be((0.25, 0.75));
        (x, y).Should().Be((0.25, 0.75));
        var act = () => point[2];
        act.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("index");
    }

    [Fact]
    public void Distance_is_euclidean()
    {
        new Point(0.1, 0.2).Distance(new Point(0.4, 0.6)).Should().BeApproximately(0.5, 1e-12);
    }

    [Fact]
    public void Ccw_is_true_for_a_counterclockwise_turn_and_for_collinear_points()
    {
        Point.Ccw(new Point(0, 0), new Point(1, 0), new Point(1, 1)).Should().BeTrue();
        Point.Ccw(new Point(0, 0), new Point(1, 1), new Point(1, 0)).Should().BeFalse();
        Point.Ccw(new Point(0, 0), new Point(1, 1), new Point(2, 2)).Should().BeTrue();
    }

    [Fact]
    public void Swapping_two_points_reverses_Ccw_unless_they_are_collinear()
    {
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var a = new Point(random.NextDouble(), random.NextDouble());
            var b = new Point(random.NextDouble(), random.NextDouble());
            var c = new Point(random.NextDouble(), random.NextDouble());
            var cross = ((b.X - a.X) * (c.Y - a.Y)) - ((c.X - a.X) * (b.Y - a.Y));
            if (Math.Abs(cross) < 1e-12)
            {
                continue;
            }

            Point.Ccw(a, b, c).Should().Be(!Point.Ccw(a, c, b), "swapping the last two points reverses the turn");
        }
    }

    [Fact]
    public void IsFinite_is_false_for_NaN_and_infinity()
    {
        new Point(0.5, 0.5).IsFinite.Should().BeTrue();
        new Point(double.NaN, 0.5).IsFinite.Should().BeFalse();
        new Point(0.5, double.PositiveInfinity).IsFinite.Should().BeFalse();
    }
}
