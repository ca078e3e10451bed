using Backpack.Annotation;
using Backpack.Geometry;

namespace Backpack.Tests.Annotation;

/// <summary>Every annotation refuses a bad argument with an exception that names it.</summary>
public sealed class AnnotationArgumentTests
{
    private static readonly Point Middle = new(0.5, 0.5);

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_label_size_outside_0_to_100_is_refused(double size)
    {
        var act = () => new LabelAnnotation(Middle, "x", size: size);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*above 0 and at most 100*").And.ParamName.Should().Be("size");
    }

    [Fact]
    public void A_label_size_of_100_is_accepted()
    {
        new LabelAnnotation(Middle, "x", size: 100).Size.Should().Be(100);
    }

    [Fact]
    public void An_undefined_horizontal_anchor_is_refused()
    {
        var act = () => new LabelAnnotation(Middle, "x", horizontalAnchor: (HorizontalAnchor)7);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Left, Center or Right*").And.ParamName.Should().Be("horizontalAnchor");
    }

    [Fact]
    public void An_undefined_vertical_anchor_is_refused()
    {
        var act = () => new LabelAnnotation(Middle, "x", verticalAnchor: (VerticalAnchor)(-1));

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Top, Center, Baseline or Bottom*").And.ParamName.Should().Be("verticalAnchor");
    }

    [Fact]
    public void A_label_without_text_is_refused()
    {
        var act = () => new LabelAnnotation(Middle, null!);

        act.Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("text");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(256)]
    public void A_line_thickness_outside_1_to_255_is_refused(int thickness)
    {
        var act = () => new LineAnnotation(new Line(Middle, Middle), thickness: thickness);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*from 1 to 255 pixels*").And.ParamName.Should().Be("thickness");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public void A_polyline_thickness_outside_1_to_255_is_refused(int thickness)
    {
        var act = () => new PolyLineAnnotation(new PolyLine([Middle, new Point(0.6, 0.6)], closed: false), thickness);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*from 1 to 255 pixels*").And.ParamName.Should().Be("thickness");
    }

    [Fact]
    public void A_polyline_annotation_without_a_polyline_is_refused()
    {
        var act = () => new PolyLineAnnotation(null!);

        act.Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("polyLine");
    }

    [Fact]
    public void An_undefined_marker_style_is_refused()
    {
        var act = () => new MarkerAnnotation(Middle, (MarkerStyle)99);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MarkerStyle*").And.ParamName.Should().Be("style");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1001)]
    public void A_marker_size_outside_2_to_1000_is_refused(int size)
    {
        var act = () => new RasterAnnotationDriver(new RasterAnnotationOptions { MarkerSize = size });

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*from 2 to 1000 pixels*").And.ParamName.Should().Be("MarkerSize");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public void A_rectangle_thickness_outside_1_to_255_is_refused(int thickness)
    {
        var act = () => new RasterAnnotationDriver(new RasterAnnotationOptions { RectangleThickness = thickness });

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*from 1 to 255 pixels*").And.ParamName.Should().Be("RectangleThickness");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void A_unit_font_height_outside_1_to_100000_is_refused(int height)
    {
        var act = () => new RasterAnnotationDriver(new RasterAnnotationOptions { UnitFontHeight = height });

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*from 1 to 100000 pixels*").And.ParamName.Should().Be("UnitFontHeight");
    }
}
