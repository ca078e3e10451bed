using Backpack.Annotation;
using Backpack.Geometry;

namespace Backpack.Tests.Annotation;

using Annotation = Backpack.Annotation.Annotation;

public sealed class AnnotationSceneTests
{
    internal static readonly string StandardScene = Path.Combine(AppContext.BaseDirectory, "Scenes", "standard.json");

    [Fact]
    public void The_standard_scene_loads()
    {
        var scene = AnnotationScene.Load(StandardScene);

        scene.Should().HaveCount(48);
        scene.OfType<LabelAnnotation>().Should().ContainSingle();
        scene.OfType<BoundingBoxAnnotation>().Should().HaveCount(20);
        scene.OfType<PolyLineAnnotation>().Should().HaveCount(5);
        scene.OfType<MarkerAnnotation>().Should().HaveCount(10);
        scene.OfType<LineAnnotation>().Should().HaveCount(10);
        scene[0].Should().Be(new TimestampAnnotation(new DateTime(2026, 11, 21, 12, 0, 0), new Point(0.02, 0.04)));
        scene.OfType<BoundingBoxAnnotation>().First().Color.Should().Be(Color.FromId(0), "the scene colours are Color.FromId of each id");
        scene.OfType<RectAnnotation>().Single().Color.Should().Be(new Color(255, 255, 255, 128 / 255.0));
    }

    [Fact]
    public void Writing_then_reading_gives_equal_annotations()
    {
        var scene = AnnotationScene.Load(StandardScene).Concat(EveryKind()).ToList();

        var again = AnnotationScene.Parse(AnnotationScene.Serialize(scene));

        again.Should().Equal(scene);
        AnnotationScene.Parse(AnnotationScene.Serialize(again, indented: false)).Should().Equal(scene);
    }

    [Fact]
    public void Save_and_Load_round_trip_through_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"backpack-scene-{Guid.NewGuid():N}.json");
        try
        {
            AnnotationScene.Save(path, EveryKind());

            AnnotationScene.Load(path).Should().Equal(EveryKind());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Every_colour_form_of_the_format_is_read()
    {
        var scene = AnnotationScene.Parse("""
            {"annotations": [
              {"type": "rect", "rect": [0, 0, 1, 1], "color": "#102030"},
              {"type": "rect", "rect": [0, 0, 1, 1], "color": "#10203080"},
              {"type": "rect", "rect": [0, 0, 1, 1], "color": [16, 32, 48]},
              {"type": "rect", "rect": [0, 0, 1, 1], "color": [16, 32, 48, 0.5]},
              {"type": "rect", "rect": [0, 0, 1, 1], "color": {"r": 16, "g": 32, "b": 48, "alpha": 0.25}},
              {"type": "rect", "rect": [0, 0, 1, 1]}
            ]}
            """);

        scene.Cast<RectAnnotation>().Select(rect => rect.Color).Should().Equal(
            new Color(16, 32, 48), new Color(16, 32, 48, 128 / 255.0), new Color(16, 32, 48),
            new Color(16, 32, 48, 0.5), new Color(16, 32, 48, 0.25), null);
    }

    [Fact]
    public void Lines_and_rectangles_are_read_from_the_originals_pt1_pt2_objects_too()
    {
        var scene = AnnotationScene.Parse("""
            {"annotations": [
              {"type": "line", "line": {"pt1": [0.1, 0.6], "pt2": {"x": 0.9, "y": 0.6}}},
              {"type": "rect", "rect": {"pt1": [0.5, 0.4], "pt2": [0.2, 0.1]}},
              {"type": "boundingBox", "rect": {"pt1": {"x": 0.2, "y": 0.1}, "pt2": {"x": 0.5, "y": 0.4}}, "topLabel": "car"}
            ]}
            """);

        scene[0].Should().Be(new LineAnnotation(new Line(new Point(0.1, 0.6), new Point(0.9, 0.6))));
        scene[1].Should().Be(new RectAnnotation(new Rectangle(0.2, 0.1, 0.5, 0.4)));
        scene[2].Should().Be(new BoundingBoxAnnotation(new Rectangle(0.2, 0.1, 0.5, 0.4), "car"));
    }

    [Fact]
    public void Defaults_of_the_format_apply_to_missing_fields()
    {
        var scene = AnnotationScene.Parse("""
            {"annotations": [
              {"type": "label", "point": [0.5, 0.5], "text": "hi"},
              {"type": "marker", "point": [0.5, 0.5]},
              {"type": "polyline", "points": [[0, 0], [1, 0], [1, 1]]},
              {"type": "timestamp"}
            ]}
            """);

        scene[0].Should().Be(new LabelAnnotation(new Point(0.5, 0.5), "hi", null, HorizontalAnchor.Left, VerticalAnchor.Bottom, 1.0));
        scene[1].Should().Be(new MarkerAnnotation(new Point(0.5, 0.5), MarkerStyle.Cross));
        var polyLine = (PolyLineAnnotation)scene[2];
        (polyLine.PolyLine.Closed, polyLine.Thickness, polyLine.FillColor).Should().Be((true, 1, (Color?)null));
        scene[3].Should().Be(new TimestampAnnotation(null, new Point(0.02, 0.04)));
    }

    [Theory]
    [InlineData("""{"type": "label", "point": [0.5], "text": "x"}""", "point", "expected a point [x, y]")]
    [InlineData("""{"type": "label", "point": [0.5, 0.5]}""", "text", "missing")]
    [InlineData("""{"type": "rect", "rect": [0, 0, 1, 1], "color": "#12"}""", "color", "expected a colour")]
    [InlineData("""{"type": "rect", "rect": [0, 0, 1, 1], "color": [300, 0, 0]}""", "color", "expected a colour")]
    [InlineData("""{"type": "rect", "rect": [0, 0, 1]}""", "rect", "expected a rectangle [x1, y1, x2, y2]")]
    [InlineData("""{"type": "line", "line": [[0, 0]], "thickness": 2}""", "line", "expected a line")]
    [InlineData("""{"type": "line", "line": [[0, 0], [1]]}""", "line[1]", "expected a point [x, y]")]
    [InlineData("""{"type": "line", "line": {"pt1": [0, 0], "pt2": [1]}}""", "line.pt2", "expected a point [x, y]")]
    [InlineData("""{"type": "boundingBox", "rect": {"pt1": [0, 0]}}""", "rect.pt2", "missing; a rectangle needs its two corners pt1 and pt2")]
    [InlineData("""{"type": "line", "line": [[0, 0], [1, 1]], "thickness": 0}""", "thickness", "expected an integer thickness from 1 to 255")]
    [InlineData("""{"type": "line", "line": [[0, 0], [1, 1]], "thickness": 2.5}""", "thickness", "expected an integer thickness")]
    [InlineData("""{"type": "marker", "point": [0, 0], "style": "circle"}""", "style", "expected one of cross, tiltedCross, star, diamond, square, triangleUp, triangleDown")]
    [InlineData("""{"type": "label", "point": [0, 0], "text": "x", "verticalAnchor": "middle"}""", "verticalAnchor", "expected one of top, center, baseline, bottom")]
    [InlineData("""{"type": "label", "point": [0, 0], "text": "x", "size": 0}""", "size", "expected a relative text size")]
    [InlineData("""{"type": "polyline", "points": [[0, 0], [1, "a"], [1, 1]]}""", "points[1]", "expected a point")]
    [InlineData("""{"type": "polyline", "points": [[0, 0], [1, 1]]}""", "points", "a closed polyline needs at least 3 points; got 2")]
    [InlineData("""{"type": "polyline", "points": [[0, 0], [1, 1], [0, 1]], "closed": "yes"}""", "closed", "expected true or false")]
    [InlineData("""{"type": "timestamp", "timestamp": "yesterday"}""", "timestamp", "expected an ISO 8601 local time")]
    [InlineData("""{"type": "boundingBox", "rect": [0, 0, 1, 1], "topLabel": 5}""", "topLabel", "expected a string")]
    [InlineData("""{"type": "circle", "point": [0, 0]}""", "type", "unknown annotation type \"circle\"")]
    [InlineData("""{"point": [0, 0]}""", "type", "missing")]
    [InlineData("""{"type": "rect", "rect": [0, 0, 1, 1], "colour": "#ffffff"}""", "colour", "unknown field")]
    public void A_bad_annotation_is_an_error_naming_its_index_and_field(string annotation, string field, string problem)
    {
        var json = $$"""{"annotations": [{"type": "marker", "point": [0.1, 0.1]}, {{annotation}}]}""";

        var act = () => AnnotationScene.Parse(json);

        var error = act.Should().Throw<AnnotationSceneException>().Which;
        error.Index.Should().Be(1);
        error.Field.Should().Be(field);
        error.Message.Should().StartWith($"annotations[1].{field}: ").And.Contain(problem);
    }

    [Theory]
    [InlineData("[1, 2]", "expected an object")]
    [InlineData("{}", "missing")]
    [InlineData("""{"annotations": 3}""", "expected an array")]
    [InlineData("""{"annotations": [""", "not valid JSON")]
    [InlineData("""{"annotations": [7]}""", "expected an annotation object")]
    public void A_bad_document_is_an_error_saying_what_was_expected(string json, string problem)
    {
        var act = () => AnnotationScene.Parse(json);

        act.Should().Throw<AnnotationSceneException>().WithMessage($"*{problem}*");
    }

    [Fact]
    public void Serialize_rejects_an_annotation_type_the_format_does_not_know()
    {
        var act = () => AnnotationScene.Serialize([new MarkerAnnotation(new Point(0, 0)), new CustomAnnotation()]);

        act.Should().Throw<ArgumentException>().WithMessage("annotations[1]: the scene format cannot hold a CustomAnnotation*")
            .And.ParamName.Should().Be("annotations");
    }

    public static TheoryData<Annotation, string, string> NonFinite() => new()
    {
        { new LabelAnnotation(new Point(0.1, double.NaN), "x"), "point[1]", "NaN" },
        { new MarkerAnnotation(new Point(double.PositiveInfinity, 0.5)), "point[0]", "Infinity" },
        { new RectAnnotation(new Rectangle(0.1, 0.2, double.PositiveInfinity, 0.4)), "rect[2]", "Infinity" },
        { new RectAnnotation(new Rectangle(0.1, 0.2, double.NaN, 0.4)), "rect[0]", "NaN" }, // a NaN corner makes both x NaN
        { new BoundingBoxAnnotation(new Rectangle(0.1, 0.2, 0.3, double.NegativeInfinity)), "rect[1]", "-Infinity" },
        { new LineAnnotation(new Line(new Point(0, 0), new Point(1, double.NaN))), "line[1][1]", "NaN" },
        { new PolyLineAnnotation(new PolyLine([new(0, 0), new(1, 0), new(double.NaN, 1)])), "points[2][0]", "NaN" },
        { new TimestampAnnotation(point: new Point(double.NaN, 0.04)), "point[0]", "NaN" },
    };

    [Theory]
    [MemberData(nameof(NonFinite))]
    public void Serialize_refuses_a_non_finite_coordinate_naming_the_annotation_and_field_as_the_reader_does(Annotation annotation, string field, string value)
    {
        var act = () => AnnotationScene.Serialize([new MarkerAnnotation(new Point(0, 0)), annotation]);

        act.Should().Throw<ArgumentException>()
            .WithMessage($"annotations[1].{field}: the scene format holds finite coordinates only; got {value}*")
            .And.ParamName.Should().Be("annotations");
    }

    [Fact]
    public void Save_refuses_a_non_finite_coordinate_the_same_way_and_writes_no_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"backpack-scene-{Guid.NewGuid():N}.json");

        var act = () => AnnotationScene.Save(path, [new MarkerAnnotation(new Point(double.NaN, 0))]);

        act.Should().Throw<ArgumentException>().WithMessage("annotations[0].point[0]: *").And.ParamName.Should().Be("annotations");
        File.Exists(path).Should().BeFalse();
    }

    internal static List<Annotation> EveryKind() =>
    [
        new LabelAnnotation(new Point(0.5, 0.25), "Entrance \"A\"", HtmlColors.Yellow, HorizontalAnchor.Right, VerticalAnchor.Baseline, 1.5),
        new RectAnnotation(new Rectangle(0.1, 0.2, 0.3, 0.4), new Color(1, 2, 3, 0.3)),
        new LineAnnotation(new Line(new Point(0, 0.1), new Point(1, 0.2)), null, 3),
        new MarkerAnnotation(new Point(0.3, 0.3), MarkerStyle.TriangleDown, HtmlColors.Red.WithAlpha(0.5)),
        new PolyLineAnnotation(new PolyLine([new(0.1, 0.1), new(0.2, 0.1)], closed: false), 2, HtmlColors.Blue),
        new PolyLineAnnotation(new PolyLine([new(0.1, 0.1), new(0.2, 0.1), new(0.15, 0.3)]), 1, null, HtmlColors.Lime.WithAlpha(0.4)),
        new TimestampAnnotation(new DateTime(2026, 1, 2, 3, 4, 5, 678)),
        new TimestampAnnotation(null, new Point(0.9, 0.9)),
        new BoundingBoxAnnotation(new Rectangle(0.4, 0.4, 0.6, 0.7), "person 0.93", null, Color.FromId(3)),
    ];

    private sealed record CustomAnnotation : Backpack.Annotation.Annotation;
}
