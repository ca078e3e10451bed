using System.Globalization;
using System.Text.Json;
using Backpack.Geometry;
using static Backpack.Geometry.GeometryJson;

namespace Backpack.Annotation;

/// <summary>
/// Reads the scene format (see docs/annotation.md): every error names the annotation index and the field.
/// Geometry values are read by <see cref="GeometryJson"/>; colours here, also for <see cref="Color.FromJson(JsonElement)"/>.
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
        if (points.Count < PolyLine.MinimumPoints(closed))
        {
            throw fields.Error("points", PolyLine.TooFewPoints(closed, points.Count));
        }
        return new PolyLineAnnotation(
            new PolyLine(points, closed),
            fields.Thickness("thickness"),
            fields.OptionalColor("color"),
            fields.OptionalColor("fillColor"));
    }

    /// <summary>A colour in any of the scene format's forms.</summary>
    internal static bool TryReadColor(JsonElement element, out Color color, out JsonProblem problem)
    {
        color = default;
        problem = JsonProblem.Here($"expected {ColorForms}; got {Describe(element)}");
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

        internal Point Point(string name) => Value<Point>(name, Required(name), TryReadPoint);

        internal Point? OptionalPoint(string name) =>
            TryGet(name, out var value) ? Value<Point>(name, value, TryReadPoint) : null;

        internal Rectangle Rectangle(string name) => Value<Rectangle>(name, Required(name), TryReadRectangle);

        internal Line Line(string name) => Value<Line>(name, Required(name), TryReadLine);

        internal List<Point> Points(string name) => Value<List<Point>>(name, Required(name), TryReadPoints);

        internal Color? OptionalColor(string name) =>
            TryGet(name, out var value) ? Value<Color>(name, value, TryReadColor) : null;

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
            var flag = fallback;
            if (TryGet(name, out var value) && !TryReadBoolean(value, ref flag, out var problem))
            {
                throw Error(name + problem.Path, problem.Message);
            }
            return flag;
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

        /// <summary>A value of the field read by a reader of <see cref="GeometryJson"/>; its problem names the field and the path in it.</summary>
        private T Value<T>(string name, JsonElement value, Reader<T> read) =>
            read(value, out var result, out var problem) ? result : throw Error(name + problem.Path, problem.Message);

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
