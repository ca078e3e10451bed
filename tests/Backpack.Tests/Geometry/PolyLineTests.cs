using Backpack.Geometry;
using FsCheck;
using FsCheck.Fluent;

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
    public void HasInside_of_a_convex_polygon_agrees_with_the_sides_of_its_edges()
    {
        // The oracle: a point is inside a convex polygon when it lies on the same side of every edge (the cross
        // products of the edges and the vectors to the point all have one sign). Points within 1e-9 of an edge's
        // line are left out: on the outline either answer is right.
        var inside = 0;
        var outside = 0;
        var cases = Gen.Zip(ConvexPolygons(), Gen.ArrayOf(Fractions(), 30));
        var property = Prop.ForAll(cases.ToArbitrary(), testCase =>
        {
            var (corners, fractions) = testCase;
            var zone = new PolyLine(corners);
            var box = zone.BoundingBox;
            for (var i = 0; i + 1 < fractions.Length; i += 2)
            {
                // Points around the polygon: its bounding box and a margin of a quarter of its size on every side.
                var point = new Point(
                    box.Left + ((fractions[i] * 1.5) - 0.25) * box.Width,
                    box.Top + ((fractions[i + 1] * 1.5) - 0.25) * box.Height);
                if (SidesOfEdges(corners, point) is not { } expected)
                {
                    continue;
                }
                if (zone.HasInside(point) != expected)
                {
                    return false;
                }
                if (expected)
                {
                    inside++;
                }
                else
                {
                    outside++;
                }
            }
            return zone.IsConvex;
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);

        inside.Should().BeGreaterThan(500, "many generated points fell inside the polygons");
        outside.Should().BeGreaterThan(500, "many fell outside");
    }

    /// <summary>Convex polygons: 3 to 8 points at distinct angles of a circle, in either turning direction.</summary>
    private static Gen<Point[]> ConvexPolygons() =>
        from count in Gen.Choose(3, 8)
        from angles in Gen.ArrayOf(Gen.Choose(0, 35_999), count)
        from center in Gen.Zip(Fractions(), Fractions())
        from radius in Fractions()
        from reversed in Gen.Elements(false, true)
        let distinct = angles.Distinct().Order().Select(angle => angle * Math.Tau / 36_000).ToArray()
        where distinct.Length >= 3
        let r = 0.05 + (radius * 0.2)
        let corners = distinct.Select(a => new Point(0.3 + (center.Item1 * 0.4) + (r * Math.Cos(a)), 0.3 + (center.Item2 * 0.4) + (r * Math.Sin(a))))
        select reversed ? corners.Reverse().ToArray() : corners.ToArray();

    private static Gen<double> Fractions() => Gen.Choose(0, 1_000_000).Select(n => n / 1_000_000.0);

    /// <summary>True inside, false outside, null on (or within 1e-9 of) an edge's line.</summary>
    private static bool? SidesOfEdges(Point[] corners, Point point)
    {
        int positive = 0, negative = 0;
        for (var i = 0; i < corners.Length; i++)
        {
            var a = corners[i];
            var b = corners[(i + 1) % corners.Length];
            var cross = ((b.X - a.X) * (point.Y - a.Y)) - ((b.Y - a.Y) * (point.X - a.X));
            var length = Math.Sqrt(((b.X - a.X) * (b.X - a.X)) + ((b.Y - a.Y) * (b.Y - a.Y)));
            if (Math.Abs(cross) / length < 1e-9)
            {
                return null;
            }
            if (cross > 0)
            {
                positive++;
            }
            else
            {
                negative++;
            }
        }
        return positive == corners.Length || negative == corners.Length;
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
