using System.Text.Json;
using Backpack.Annotation;
using Backpack.Geometry;

namespace Backpack.Tests.Geometry;

/// <summary>The JSON forms of geometry values and colours (data/scenes/README.md, docs/annotation.md), read by the public FromJson methods.</summary>
public sealed class GeometryJsonTests
{
    private static readonly Dictionary<string, Func<string, object>> Readers = new()
    {
        ["point"] = json => Point.FromJson(json),
        ["rectangle"] = json => Rectangle.FromJson(json),
        ["line"] = json => Line.FromJson(json),
        ["polyline"] = json => PolyLine.FromJson(json),
        ["colour"] = json => Color.FromJson(json),
    };

    [Theory]
    [InlineData("[0.25, 0.5]")]
    [InlineData("""{"x": 0.25, "y": 0.5}""")]
    [InlineData(""" [0.25, 0.5, ] /* trailing commas and comments as in scene files */ """)]
    public void A_point_is_read_from_either_form(string json)
    {
        Point.FromJson(json).Should().Be(new Point(0.25, 0.5));
    }

    [Theory]
    [InlineData("[0.5, 0.4, 0.2, 0.1]")]
    [InlineData("[0.2, 0.1, 0.5, 0.4]")]
    [InlineData("[[0.5, 0.1], [0.2, 0.4]]")]
    [InlineData("""[{"x": 0.2, "y": 0.4}, [0.5, 0.1]]""")]
    [InlineData("""{"pt1": [0.5, 0.1], "pt2": [0.2, 0.4]}""")]
    [InlineData("""{"pt2": {"x": 0.2, "y": 0.1}, "pt1": {"x": 0.5, "y": 0.4}}""")]
    public void A_rectangle_is_read_from_any_two_opposite_corners(string json)
    {
        Rectangle.FromJson(json).Should().Be(new Rectangle(0.2, 0.1, 0.5, 0.4));
    }

    [Theory]
    [InlineData("[[0.0, 0.6], [1.0, 0.62]]")]
    [InlineData("""{"pt1": [0.0, 0.6], "pt2": [1.0, 0.62]}""")]
    [InlineData("""{"pt2": {"x": 1.0, "y": 0.62}, "pt1": [0.0, 0.6]}""")]
    public void A_line_is_read_from_its_two_points_in_order(string json)
    {
        Line.FromJson(json).Should().Be(new Line(new Point(0, 0.6), new Point(1, 0.62)));
    }

    [Theory]
    [InlineData("[[0.1, 0.4], [0.17, 0.5], [0.1, 0.6]]", true)]
    [InlineData("""{"points": [[0.1, 0.4], [0.17, 0.5], [0.1, 0.6]]}""", true)]
    [InlineData("""{"points": [[0.1, 0.4], [0.17, 0.5], [0.1, 0.6]], "closed": null}""", true)]
    [InlineData("""{"points": [[0.1, 0.4], [0.17, 0.5], [0.1, 0.6]], "closed": true}""", true)]
    [InlineData("""{"points": [[0.1, 0.4], [0.17, 0.5], {"x": 0.1, "y": 0.6}], "closed": false}""", false)]
    public void A_polyline_is_read_from_its_points_closed_unless_it_says_otherwise(string json, bool closed)
    {
        PolyLine.FromJson(json).Should().Be(new PolyLine([new(0.1, 0.4), new(0.17, 0.5), new(0.1, 0.6)], closed));
    }

    [Fact]
    public void An_open_polyline_of_two_points_is_read()
    {
        PolyLine.FromJson("""{"points": [[0, 0], [1, 1]], "closed": false}""").Lines.Should().ContainSingle();
    }

    [Theory]
    [InlineData("\"#102030\"", 1.0)]
    [InlineData("\"#10203080\"", 128 / 255.0)]
    [InlineData("[16, 32, 48]", 1.0)]
    [InlineData("[16, 32, 48, 0.5]", 0.5)]
    [InlineData("""{"r": 16, "g": 32, "b": 48, "alpha": 0.25}""", 0.25)]
    [InlineData("""{"r": 16, "g": 32, "b": 48}""", 1.0)]
    public void A_colour_is_read_from_every_form_of_the_scene_format(string json, double alpha)
    {
        Color.FromJson(json).Should().Be(new Color(16, 32, 48, alpha));
    }

    [Fact]
    public void A_value_inside_a_larger_document_is_read_from_its_element()
    {
        using var document = JsonDocument.Parse("""{"zone": {"points": [[0, 0], [1, 0], [1, 1]]}, "door": [0.5, 1], "tint": "#00ff0066"}""");
        var root = document.RootElement;

        PolyLine.FromJson(root.GetProperty("zone")).Points.Should().HaveCount(3);
        Point.FromJson(root.GetProperty("door")).Should().Be(new Point(0.5, 1));
        Color.FromJson(root.GetProperty("tint")).Should().Be(new Color(0, 255, 0, 0x66 / 255.0));
    }

    [Theory]
    [InlineData("point", "[0.5]", "$: expected a point [x, y] or {\"x\": x, \"y\": y} of two numbers; got [0.5]")]
    [InlineData("point", """{"x": 0.5, "y": "top"}""", "$: expected a point [x, y]")]
    [InlineData("point", "null", "$: expected a point [x, y] or {\"x\": x, \"y\": y} of two numbers; got null")]
    [InlineData("point", "[0.5, ", "$: not valid JSON")]
    [InlineData("rectangle", "[0, 0, 1]", "$: expected a rectangle [x1, y1, x2, y2] of four numbers, [[x1, y1], [x2, y2]] or {\"pt1\": [x1, y1], \"pt2\": [x2, y2]} (two opposite corners); got [0, 0, 1]")]
    [InlineData("rectangle", """[[0, 0], [1, "a"]]""", "$[1]: expected a point [x, y]")]
    [InlineData("line", "[[0, 0]]", "$: expected a line [[x1, y1], [x2, y2]] or {\"pt1\": [x1, y1], \"pt2\": [x2, y2]} of two points; got [[0, 0]]")]
    [InlineData("line", """[[0, 0], {"x": 1}]""", "$[1]: expected a point [x, y] or {\"x\": x, \"y\": y} of two numbers; got {\"x\": 1}")]
    [InlineData("line", "[0, 0, 1, 1]", "$: expected a line")]
    [InlineData("line", """{"pt1": [0, "a"], "pt2": [1, 1]}""", "$.pt1: expected a point [x, y]")]
    [InlineData("line", """{"pt1": [0, 0]}""", "$.pt2: missing; a line needs its two points pt1 and pt2")]
    [InlineData("line", """{"pt1": [0, 0], "pt2": [1, 1], "thickness": 2}""", "$.thickness: unknown field of a line; expected only pt1 and pt2")]
    [InlineData("line", """{"x": 0, "y": 0}""", "$.x: unknown field of a line; expected only pt1 and pt2")]
    [InlineData("rectangle", """{"pt1": [0, 0], "pt2": {"x": 1}}""", "$.pt2: expected a point [x, y]")]
    [InlineData("rectangle", """{"pt2": [1, 1]}""", "$.pt1: missing; a rectangle needs its two corners pt1 and pt2")]
    [InlineData("rectangle", "{}", "$.pt1: missing; a rectangle needs its two corners pt1 and pt2")]
    [InlineData("polyline", """[[0, 0], [1, 1], [1, "a"]]""", "$[2]: expected a point [x, y]")]
    [InlineData("polyline", """{"points": [[0, 0], [1, 1], [0, "b"]]}""", "$.points[2]: expected a point [x, y]")]
    [InlineData("polyline", """{"points": [[0, 0], [1, 1]]}""", "$.points: a closed polyline needs at least 3 points; got 2")]
    [InlineData("polyline", "[[0, 0], [1, 1]]", "$: a closed polyline needs at least 3 points; got 2")]
    [InlineData("polyline", """{"points": [[0, 0]], "closed": false}""", "$.points: an open polyline needs at least 2 points; got 1")]
    [InlineData("polyline", """{"points": [[0, 0], [1, 1], [0, 1]], "closed": "no"}""", "$.closed: expected true or false; got \"no\"")]
    [InlineData("polyline", """{"points": [[0, 0], [1, 1], [0, 1]], "thickness": 2}""", "$.thickness: unknown field of a polyline; expected only points and closed")]
    [InlineData("polyline", """{"closed": false}""", "$.points: missing")]
    [InlineData("polyline", """{"points": 3}""", "$.points: expected an array of points [[x, y], ...]; got 3")]
    [InlineData("polyline", "5", "$: expected a polyline")]
    [InlineData("colour", "\"#12\"", "$: expected a colour as \"#rrggbb\"")]
    [InlineData("colour", "[300, 0, 0]", "$: expected a colour")]
    [InlineData("colour", "[1, 2, 3, 1.5]", "$: expected a colour")]
    [InlineData("colour", """{"r": 1, "g": 2}""", "$: expected a colour")]
    [InlineData("colour", "16711680", "with r, g, b from 0 to 255 and alpha from 0 to 1; got 16711680")]
    public void A_bad_value_is_a_format_error_naming_where_what_was_expected_and_what_was_found(string kind, string json, string message)
    {
        var act = () => Readers[kind](json);

        act.Should().Throw<FormatException>().Which.Message.Should().Contain(message).And.StartWith("$");
    }

    [Fact]
    public void Null_text_is_refused_naming_the_parameter()
    {
        foreach (var read in Readers.Values)
        {
            var act = () => read(null!);

            act.Should().Throw<ArgumentNullException>().And.ParamName.Should().Be("json");
        }
    }

    [Fact]
    public void A_default_element_is_refused_naming_the_parameter()
    {
        var readers = new Func<JsonElement, object>[]
        {
            json => Point.FromJson(json), json => Rectangle.FromJson(json), json => Line.FromJson(json),
            json => PolyLine.FromJson(json), json => Color.FromJson(json),
        };
        foreach (var read in readers)
        {
            var act = () => read(default);

            act.Should().Throw<ArgumentException>().WithMessage("*default JsonElement*").And.ParamName.Should().Be("json");
        }
    }
}
