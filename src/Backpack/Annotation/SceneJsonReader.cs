using System.Globalization;
using System.Text.Json;
using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>
/// Reads the scene format (see docs/annotation.md): every error names the annotation index and the field.
/// Also the parser of the JSON forms of geometry values: points, rectangles, lines and colours.
/// </summary>
internal static class SceneJsonReader
{
    private const string ColorForms = "a colour as \"#rrggbb\", \"#rrggbbaa\", [r, g, b], [r, g, b, alpha] or {\"r\": .., \"g\": .., \"b\": .., \"alpha\": ..} with r, g, b from 0 to 255 and alpha from 0 to 1";

    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd",
    ];

    internal static List<Annotation> ReadScene(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new AnnotationSceneException(null, null, $"expected an object {{\"annotations\": [...]}}; got {Describe(root)}");
        }
        if (!root.TryGetProperty("annotations", out var list))
        {
            throw new AnnotationSceneException(null, "annotations", "missing; expected {\"annotations\": [...]}");
        }
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new AnnotationSceneException(null, "annotations", $"expected an array of annotations; got {Describe(list)}");
        }
        var annotations = new List<Annotation>(list.GetArrayLength());
        var index = 0;
        foreach (var element in list.EnumerateArray())
        {
            annotations.Add(ReadAnnotation(element, index));
            index++;
        }
        return annotations;
    }

    internal static Annotation ReadAnnotation(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new AnnotationSceneException(index, null, $"expected an annotation object with a \"type\"; got {Describe(element)}");
        }
        var fields = new Fields(element, index);
        var type = fields.RequiredString("type");
        Annotation annotation = type switch
        {
            "label" => new LabelAnnotation(
                fields.Point("point"),
                fields.RequiredString("text"),
                fields.OptionalColor("color"),
                fields.Enum("horizontalAnchor", HorizontalAnchor.Left),
                fields.Enum("verticalAnchor", VerticalAnchor.Bottom),
                fields.Size("size")),
            "rect" => new RectAnnotation(fields.Rectangle("rect"), fields.OptionalColor("color")),
            "line" => new LineAnnotation(fields.Line("line"), fields.OptionalColor("color"), fields.Thickness("thickness")),
            "marker" => new MarkerAnnotation(fields.Point("point"), fields.Enum("style", MarkerStyle.Cross), fields.OptionalColor("color")),
            "polyline" => ReadPolyLine(fields),
            "timestamp" => new TimestampAnnotation(fields.OptionalTimestamp("timestamp"), fields.OptionalPoint("point")),
            "boundingBox" => new BoundingBoxAnnotation(
                fields.Rectangle("rect"),
                fields.OptionalString("topLabel"),
                fields.OptionalString("bottomLabel"),
                fields.OptionalColor("color")),
            _ => throw new AnnotationSceneException(index, "type", $"unknown annotation type \"{type}\"; expected one of label, rect, line, marker, polyline, timestamp, boundingBox"),
        };
        fields.RejectUnknown();
        return annotation;
    }

    private static PolyLineAnnotation ReadPolyLine(Fields fields)
    {
        var points = fields.Points("points");
        var closed = fields.Boolean("closed", true);
        if (points.Count < (closed ? 3 : 2))
        {
            throw fields.Error("points", $"a {(closed ? "closed" : "open")} polyline needs at least {(closed ? 3 : 2)} points; got {points.Count}");
        }
        return new PolyLineAnnotation(
            new PolyLine(points, closed),
            fields.Thickness("thickness"),
            fields.OptionalColor("color"),
            fields.OptionalColor("fillColor"));
    }

    /// <summary>A point: <c>[x, y]</c> or <c>{"x": .., "y": ..}</c>.</summary>
    internal static bool TryReadPoint(JsonElement element, out Point point, out string problem)
    {
        point = default;
        problem = string.Empty;
        if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() == 2
            && element[0].TryGetNumber(out var x) && element[1].TryGetNumber(out var y))
        {
            point = new Point(x, y);
            return true;
        }
        if (element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("x", out var ex) && ex.TryGetNumber(out x)
            && element.TryGetProperty("y", out var ey) && ey.TryGetNumber(out y))
        {
            point = new Point(x, y);
            return true;
        }
        problem = $"expected a point [x, y] of two numbers; got {Describe(element)}";
        return false;
    }

    /// <summary>A rectangle: <c>[x1, y1, x2, y2]</c> or <c>[[x1, y1], [x2, y2]]</c>.</summary>
    internal static bool TryReadRectangle(JsonElement element, out Rectangle rectangle, out string problem)
    {
        rectangle = default;
        problem = $"expected a rectangle [x1, y1, x2, y2] of four numbers (two opposite corners); got {Describe(element)}";
        if (element.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        var length = element.GetArrayLength();
        if (length == 4 && element[0].TryGetNumber(out var x1) && element[1].TryGetNumber(out var y1)
            && element[2].TryGetNumber(out var x2) && element[3].TryGetNumber(out var y2))
        {
            rectangle = new Rectangle(x1, y1, x2, y2);
            return true;
        }
        if (length == 2 && TryReadPoint(element[0], out var pt1, out _) && TryReadPoint(element[1], out var pt2, out _))
        {
            rectangle = new Rectangle(pt1, pt2);
            return true;
        }
        return false;
    }

    /// <summary>A line: <c>[[x1, y1], [x2, y2]]</c>.</summary>
    internal static bool TryReadLine(JsonElement element, out Line line, out string problem)
    {
        line = default;
        if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() == 2
            && TryReadPoint(element[0], out var pt1, out _) && TryReadPoint(element[1], out var pt2, out _))
        {
            line = new Line(pt1, pt2);
            problem = string.Empty;
            return true;
        }
        problem = $"expected a line [[x1, y1], [x2, y2]] of two points; got {Describe(element)}";
        return false;
    }

    /// <summary>A colour in any of the scene format's forms.</summary>
    internal static bool TryReadColor(JsonElement element, out Color color, out string problem)
    {
        color = default;
        problem = $"expected {ColorForms}; got {Describe(element)}";
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Color.TryFromHex(element.GetString(), out color);
            case JsonValueKind.Array:
                var length = element.GetArrayLength();
                if (length is 3 or 4
                    && TryChannel(element[0], out var r) && TryChannel(element[1], out var g) && TryChannel(element[2], out var b))
                {
                    var alpha = 1.0;
                    if (length == 4 && !TryAlpha(element[3], out alpha))
                    {
                        return false;
                    }
                    color = new Color(r, g, b, alpha);
                    return true;
                }
                return false;
            case JsonValueKind.Object:
                if (element.TryGetProperty("r", out var er) && TryChannel(er, out r)
                    && element.TryGetProperty("g", out var eg) && TryChannel(eg, out g)
                    && element.TryGetProperty("b", out var eb) && TryChannel(eb, out b))
                {
                    var alpha = 1.0;
                    if ((element.TryGetProperty("alpha", out var ea) || element.TryGetProperty("a", out ea)) && !TryAlpha(ea, out alpha))
                    {
                        return false;
                    }
                    color = new Color(r, g, b, alpha);
                    return true;
                }
                return false;
            default:
                return false;
        }

        static bool TryChannel(JsonElement value, out int channel)
        {
            channel = 0;
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out channel) && channel is >= 0 and <= 255;
        }

        static bool TryAlpha(JsonElement value, out double alpha) =>
            value.TryGetNumber(out alpha) && alpha is >= 0 and <= 1;
    }

    /// <summary>A JSON number as a double; false (rather than an exception) for any other kind of value.</summary>
    internal static bool TryGetNumber(this JsonElement element, out double value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out value);
    }

    internal static string Describe(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
    }

    /// <summary>The fields of one annotation object, remembering which were read so that unknown ones are rejected.</summary>
    private sealed class Fields(JsonElement element, int index)
    {
        private readonly HashSet<string> _known = new(StringComparer.Ordinal);

        internal AnnotationSceneException Error(string field, string problem) => new(index, field, problem);

        internal void RejectUnknown()
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!_known.Contains(property.Name))
                {
                    throw Error(property.Name, $"unknown field for a {element.GetProperty("type").GetString()} annotation; expected only {string.Join(", ", _known)}");
                }
            }
        }

        internal string RequiredString(string name)
        {
            var value = Required(name);
            return value.ValueKind == JsonValueKind.String
                ? value.GetString()!
                : throw Error(name, $"expected a string; got {Describe(value)}");
        }

        internal string? OptionalString(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }
            return value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : throw Error(name, $"expected a string or null; got {Describe(value)}");
        }

        internal Point Point(string name) =>
            TryReadPoint(Required(name), out var point, out var problem) ? point : throw Error(name, problem);

        internal Point? OptionalPoint(string name) =>
            TryGet(name, out var value) ? TryReadPoint(value, out var point, out var problem) ? point : throw Error(name, problem) : null;

        internal Rectangle Rectangle(string name) =>
            TryReadRectangle(Required(name), out var rectangle, out var problem) ? rectangle : throw Error(name, problem);

        internal Line Line(string name) =>
            TryReadLine(Required(name), out var line, out var problem) ? line : throw Error(name, problem);

        internal List<Point> Points(string name)
        {
            var value = Required(name);
            if (value.ValueKind != JsonValueKind.Array)
            {
                throw Error(name, $"expected an array of points [[x, y], ...]; got {Describe(value)}");
            }
            var points = new List<Point>(value.GetArrayLength());
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                points.Add(TryReadPoint(item, out var point, out var problem) ? point : throw Error($"{name}[{i}]", problem));
                i++;
            }
            return points;
        }

        internal Color? OptionalColor(string name) =>
            TryGet(name, out var value) ? TryReadColor(value, out var color, out var problem) ? color : throw Error(name, problem) : null;

        internal TEnum Enum<TEnum>(string name, TEnum fallback)
            where TEnum : struct, Enum
        {
            if (!TryGet(name, out var value))
            {
                return fallback;
            }
            if (value.ValueKind == JsonValueKind.String)
            {
                foreach (var candidate in System.Enum.GetValues<TEnum>())
                {
                    if (string.Equals(SceneJsonWriter.EnumName(candidate), value.GetString(), StringComparison.Ordinal))
                    {
                        return candidate;
                    }
                }
            }
            var expected = string.Join(", ", System.Enum.GetValues<TEnum>().Select(candidate => SceneJsonWriter.EnumName(candidate)));
            throw Error(name, $"expected one of {expected}; got {Describe(value)}");
        }

        internal double Size(string name)
        {
            if (!TryGet(name, out var value))
            {
                return 1.0;
            }
            return value.TryGetNumber(out var size) && size is > 0 and <= 100
                ? size
                : throw Error(name, $"expected a relative text size above 0 and at most 100; got {Describe(value)}");
        }

        internal int Thickness(string name)
        {
            if (!TryGet(name, out var value))
            {
                return 1;
            }
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var thickness) && thickness is >= 1 and <= Thicknesses.Max
                ? thickness
                : throw Error(name, $"expected an integer thickness from 1 to {Thicknesses.Max} pixels; got {Describe(value)}");
        }

        internal bool Boolean(string name, bool fallback)
        {
            if (!TryGet(name, out var value))
            {
                return fallback;
            }
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Error(name, $"expected true or false; got {Describe(value)}"),
            };
        }

        internal DateTime? OptionalTimestamp(string name)
        {
            if (!TryGet(name, out var value))
            {
                return null;
            }
            if (value.ValueKind == JsonValueKind.String
                && DateTime.TryParseExact(value.GetString(), TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
            {
                // A time with an offset or Z becomes the machine's local time, which is what the label shows.
                return time.Kind == DateTimeKind.Utc ? time.ToLocalTime() : DateTime.SpecifyKind(time, DateTimeKind.Unspecified);
            }
            throw Error(name, $"expected an ISO 8601 local time such as \"2026-11-21T12:00:00\"; got {Describe(value)}");
        }

        private JsonElement Required(string name) =>
            TryGet(name, out var value) ? value : throw Error(name, "missing; this field is required");

        /// <summary>The field's value; a field set to JSON null counts as absent.</summary>
        private bool TryGet(string name, out JsonElement value)
        {
            _known.Add(name);
            return element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
        }
    }
}
