using Backpack.Geometry;

namespace Backpack.Tests.Geometry;

public sealed class PolyLineTests
{
    private static readonly PolyLine Square = new([new(0.2, 0.2), new(0.6, 0.2), new(0.6, 0.6), new(0.2, 0.6)]);
    private static readonly PolyLine Arrow = new([new(0.1, 0.1), new(0.9, 0.5), new(0.1, 0.9), new(0.4, 0.5)]);

    [Fact]
    public void A_closed_polyline_has_a_segment_back_to_its_first_point()
    {
        Square.Lines.Should().HaveCount(4);
        Square.Lines[3].Should().Be(new Line(new Point(0.2, 0.6), new Point(0.2, 0.2)));
        new PolyLine([new(0, 0), new(1, 1)], closed: false).Lines.Should().ContainSingle();
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void Too_few_points_are_rejected_saying_how_many_are_needed(int count, bool closed)
    {
        var act = () => new PolyLine(Enumerable.Repeat(new Point(0.5, 0.5), count), closed);

        act.Should().Throw<ArgumentException>().WithMessage($"*needs at least {(closed ? 3 : 2)} points; got {count}*").And.ParamName.Should().Be("points");
    }

    [Fact]
    public void BoundingBox_holds_every_point()
    {
        Arrow.BoundingBox.Should().Be(new Rectangle(0.1, 0.1, 0.9, 0.9));
    }

    [Fact]
    public void IsConvex_tells_a_square_from_an_arrow_head()
    {
        Square.IsConvex.Should().BeTrue();
        Arrow.IsConvex.Should().BeFalse();
    }

    [Fact]
    public void SelfIntersects_finds_a_figure_eight()
    {
        var bowTie = new PolyLine([new(0.1, 0.1), new(0.9, 0.9), new(0.9, 0.1), new(0.1, 0.9)]);

        bowTie.SelfIntersects.Should().BeTrue();
        Square.SelfIntersects.Should().BeFalse();
    }

    [Fact]
    public void HasInside_follows_a_concave_outline()
    {
        Arrow.HasInside(new Point(0.6, 0.5)).Should().BeTrue();
        Arrow.HasInside(new Point(0.2, 0.5)).Should().BeFalse("the notch of the arrow head is outside");
        Arrow.HasInside(new Point(0.95, 0.5)).Should().BeFalse();
    }

    [Fact]
    public void HasInside_of_an_open_polyline_is_an_error()
    {
        var act = () => new PolyLine([new(0, 0), new(1, 1)], closed: false).HasInside(new Point(0.5, 0.5));

        act.Should().Throw<InvalidOperationException>().WithMessage("*closed*");
    }

    [Fact]
    public void Points_inside_a_random_convex_polygon_lie_inside_its_bounding_box()
    {
        var random = new Random(7);
        for (var polygon = 0; polygon < 100; polygon++)
        {
            // A convex polygon: points on a circle in angle order.
            var count = random.Next(3, 9);
            var angles = Enumerable.Range(0, count).Select(_ => random.NextDouble() * Math.Tau).Order().ToArray();
            var center = new Point(0.3 + (random.NextDouble() * 0.4), 0.3 + (random.NextDouble() * 0.4));
            var radius = 0.05 + (random.NextDouble() * 0.2);
            var zone = new PolyLine(angles.Select(a => new Point(center.X + (radius * Math.Cos(a)), center.Y + (radius * Math.Sin(a)))));
            zone.IsConvex.Should().BeTrue();
            for (var i = 0; i < 50; i++)
            {
                var point = new Point(random.NextDouble(), random.NextDouble());
                if (zone.HasInside(point))
                {
                    zone.BoundingBox.HasInside(point).Should().BeTrue();
                }
            }
        }
    }

    [Fact]
    public void Polylines_with_the_same_points_are_equal_and_the_points_are_copied()
    {
        var points = new List<Point> { new(0.1, 0.1), new(0.2, 0.3), new(0.4, 0.1) };
        var a = new PolyLine(points);
        points[0] = new Point(0.9, 0.9);

        a.Should().Be(new PolyLine([new(0.1, 0.1), new(0.2, 0.3), new(0.4, 0.1)]));
        a.Should().NotBe(new PolyLine([new(0.1, 0.1), new(0.2, 0.3), new(0.4, 0.1)], closed: false) as object);
        a[0].Should().Be(new Point(0.1, 0.1));
    }
}
