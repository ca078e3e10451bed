using Backpack.Geometry;

namespace Backpack.Tests.Geometry;

public sealed class RectangleTests
{
    [Fact]
    public void Any_two_opposite_corners_make_the_same_normalised_rectangle()
    {
        var random = new Random(42);
        for (var i = 0; i < 500; i++)
        {
            double x1 = random.NextDouble(), y1 = random.NextDouble(), x2 = random.NextDouble(), y2 = random.NextDouble();
            var a = new Rectangle(new Point(x1, y1), new Point(x2, y2));
            var b = new Rectangle(new Point(x2, y2), new Point(x1, y1));
            var c = new Rectangle(new Point(x1, y2), new Point(x2, y1));

            a.Should().Be(b).And.Be(c);
            a.PtMin.X.Should().BeLessThanOrEqualTo(a.PtMax.X);
            a.PtMin.Y.Should().BeLessThanOrEqualTo(a.PtMax.Y);
            a.Width.Should().BeGreaterThanOrEqualTo(0);
            a.Height.Should().BeGreaterThanOrEqualTo(0);
        }
    }

    [Fact]
    public void A_rectangle_reports_its_measures()
    {
        var box = new Rectangle(0.6, 0.5, 0.2, 0.1);

        box.PtMin.Should().Be(new Point(0.2, 0.1));
        box.PtMax.Should().Be(new Point(0.6, 0.5));
        box.Center.X.Should().BeApproximately(0.4, 1e-12);
        box.Center.Y.Should().BeApproximately(0.3, 1e-12);
        box.Base.Should().Be(new Point(box.Center.X, 0.5));
        box.Width.Should().BeApproximately(0.4, 1e-12);
        box.Height.Should().BeApproximately(0.4, 1e-12);
        box.Size.Should().Be((box.Width, box.Height));
        box.Area.Should().BeApproximately(0.16, 1e-12);
        box.AspectRatio.Should().BeApproximately(1.0, 1e-12);
        (box.Top, box.Left, box.Bottom, box.Right).Should().Be((0.1, 0.2, 0.5, 0.6));
        box.Tlbr.Should().Be((0.1, 0.2, 0.5, 0.6));
        box.Tlhw.Should().Be((0.1, 0.2, box.Height, box.Width));
        box[0].Should().Be(box.PtMin);
        box[1].Should().Be(box.PtMax);
    }

    [Fact]
    public void FromTlbr_and_FromTlhw_invert_Tlbr_and_Tlhw()
    {
        var box = new Rectangle(0.25, 0.125, 0.75, 0.5);

        Rectangle.FromTlbr(box.Top, box.Left, box.Bottom, box.Right).Should().Be(box);
        Rectangle.FromTlhw(box.Top, box.Left, box.Height, box.Width).Should().Be(box);
    }

    [Fact]
    public void HasInside_includes_the_edges_and_excludes_points_outside()
    {
        var box = new Rectangle(0.2, 0.2, 0.4, 0.4);

        box.HasInside(new Point(0.3, 0.3)).Should().BeTrue();
        box.HasInside(new Point(0.2, 0.4)).Should().BeTrue();
        box.HasInside(new Point(0.41, 0.3)).Should().BeFalse();
        box.HasInside(new Point(double.NaN, 0.3)).Should().BeFalse();
    }
}
