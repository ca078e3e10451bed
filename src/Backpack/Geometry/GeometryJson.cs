using System.Text.Json;

namespace Backpack.Geometry;

/// <summary>
/// Reads the JSON forms of geometry values (the value forms of the scene format, docs/annotation.md): the one
/// parser behind <see cref="Point.FromJson(JsonElement)"/> and its siblings and behind the scene reader.
/// Every reader reports what was wrong, where (a path relative to the value) and what was expected.
/// </summary>
internal static class GeometryJson
{
    private const string PairObject = "{\"pt1\": [x1, y1], \"pt2\": [x2, y2]}";

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
    private static readonly PairKind LinePoints = new("line", "points");
    private static readonly PairKind RectangleCorners = new("rectangle", "corners");

    /// <summary>Reads a value of one JSON form; false with the problem when the element is not of that form.</summary>
    internal delegate bool Reader<T>(JsonElement element, out T value, out JsonProblem problem);

    /// <summary>Reads a value from an element for a public <c>FromJson</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="json"/> is a default element that holds no value.</exception>
    /// <exception cref="FormatException">The value is not of the form; the message names the path, such as <c>$[1]</c>.</exception>
    internal static T Read<T>(JsonElement json, Reader<T> read)
    {
        if (json.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("Expected a JsonElement holding a value; got a default JsonElement.", nameof(json));
        }
        return read(json, out var value, out var problem) ? value : throw problem.ToException();
    }

    /// <summary>Parses JSON text and reads a value from it for a public <c>FromJson</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="FormatException">Not valid JSON, or not of the form.</exception>
    internal static T Parse<T>(string json, Reader<T> read)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"$: not valid JSON ({exception.Message})", exception);
        }
        using (document)
        {
            return Read(document.RootElement, read);
        }
    }

    /// <summary>A point: <c>[x, y]</c> or <c>{"x": .., "y": ..}</c>.</summary>
    internal static bool TryReadPoint(JsonElement element, out Point point, out JsonProblem problem)
    {
        point = default;
        problem = default;
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
        problem = JsonProblem.Here($"expected a point [x, y] or {{\"x\": x, \"y\": y}} of two numbers; got {Describe(element)}");
        return false;
    }

    /// <summary>
    /// A rectangle: <c>[x1, y1, x2, y2]</c>, <c>[[x1, y1], [x2, y2]]</c> or the original's <c>{"pt1": .., "pt2": ..}</c>,
    /// any two opposite corners.
    /// </summary>
    internal static bool TryReadRectangle(JsonElement element, out Rectangle rectangle, out JsonProblem problem)
    {
        rectangle = default;
        problem = default;
        if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() == 4
            && element[0].TryGetNumber(out var x1) && element[1].TryGetNumber(out var y1)
            && element[2].TryGetNumber(out var x2) && element[3].TryGetNumber(out var y2))
        {
            rectangle = new Rectangle(x1, y1, x2, y2);
            return true;
        }
        if (TryReadPair(element, RectangleCorners, out var pt1, out var pt2, ref problem))
        {
            rectangle = new Rectangle(pt1, pt2);
            return true;
        }
        if (problem == default)
        {
            problem = JsonProblem.Here(
                $"expected a rectangle [x1, y1, x2, y2] of four numbers, [[x1, y1], [x2, y2]] or {PairObject} (two opposite corners); got {Describe(element)}");
        }
        return false;
    }

    /// <summary>A line: <c>[[x1, y1], [x2, y2]]</c> or the original's <c>{"pt1": .., "pt2": ..}</c>.</summary>
    internal static bool TryReadLine(JsonElement element, out Line line, out JsonProblem problem)
    {
        line = default;
        problem = default;
        if (TryReadPair(element, LinePoints, out var pt1, out var pt2, ref problem))
        {
            line = new Line(pt1, pt2);
            return true;
        }
        if (problem == default)
        {
            problem = JsonProblem.Here($"expected a line [[x1, y1], [x2, y2]] or {PairObject} of two points; got {Describe(element)}");
        }
        return false;
    }

    /// <summary>The points of a polyline: <c>[[x, y], ...]</c>, any number of them; a bad item is named by its index.</summary>
    internal static bool TryReadPoints(JsonElement element, out List<Point> points, out JsonProblem problem)
    {
        points = [];
        problem = default;
        if (element.ValueKind != JsonValueKind.Array)
        {
            problem = JsonProblem.Here($"expected an array of points [[x, y], ...]; got {Describe(element)}");
            return false;
        }
        points.Capacity = element.GetArrayLength();
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (!TryReadPoint(item, out var point, out problem))
            {
                problem = problem.Under($"[{index}]");
                return false;
            }
            points.Add(point);
            index++;
        }
        return true;
    }

    /// <summary>
    /// A polyline: <c>{"points": [[x, y], ...], "closed": true}</c> (the fields of the scene format's polyline;
    /// <c>closed</c> is optional, true by default) or just the array of points, closed.
    /// </summary>
    internal static bool TryReadPolyLine(JsonElement element, out PolyLine polyLine, out JsonProblem problem)
    {
        polyLine = null!;
        problem = default;
        List<Point> points;
        var closed = true;
        var pointsPath = string.Empty;
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                if (!TryReadPoints(element, out points, out problem))
                {
                    return false;
                }
                break;
            case JsonValueKind.Object:
                foreach (var field in element.EnumerateObject())
                {
                    if (field.Name is not ("points" or "closed"))
                    {
                        problem = new JsonProblem($".{field.Name}", "unknown field of a polyline; expected only points and closed");
                        return false;
                    }
                }
                if (!element.TryGetProperty("points", out var list) || list.ValueKind == JsonValueKind.Null)
                {
                    problem = new JsonProblem(".points", "missing; a polyline needs its points [[x, y], ...]");
                    return false;
                }
                if (!TryReadPoints(list, out points, out problem))
                {
                    problem = problem.Under(".points");
                    return false;
                }
                if (element.TryGetProperty("closed", out var flag) && !TryReadBoolean(flag, ref closed, out problem))
                {
                    problem = problem.Under(".closed");
                    return false;
                }
                pointsPath = ".points";
                break;
            default:
                problem = JsonProblem.Here($"expected a polyline {{\"points\": [[x, y], ...], \"closed\": true}} or an array of points; got {Describe(element)}");
                return false;
        }
        if (points.Count < PolyLine.MinimumPoints(closed))
        {
            problem = new JsonProblem(pointsPath, PolyLine.TooFewPoints(closed, points.Count));
            return false;
        }
        polyLine = new PolyLine(points, closed);
        return true;
    }

    /// <summary><c>true</c> or <c>false</c>; JSON null leaves <paramref name="value"/> as it is (absent).</summary>
    internal static bool TryReadBoolean(JsonElement element, ref bool value, out JsonProblem problem)
    {
        problem = default;
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                value = false;
                return true;
            case JsonValueKind.Null:
                return true;
            default:
                problem = JsonProblem.Here($"expected true or false; got {Describe(element)}");
                return false;
        }
    }

    /// <summary>A JSON number as a double; false (rather than an exception) for any other kind of value.</summary>
    internal static bool TryGetNumber(this JsonElement element, out double value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out value);
    }

    /// <summary>The value as JSON text for a message, cut after 60 characters.</summary>
    internal static string Describe(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
    }

    /// <summary>
    /// Two points <c>[[x1, y1], [x2, y2]]</c> or <c>{"pt1": .., "pt2": ..}</c> (points in either of their forms). False
    /// with no problem when the element does not look like a pair at all (the caller describes the whole form), with
    /// the problem of the item when it looks like one; an object is always a pair, its problem named by field.
    /// </summary>
    private static bool TryReadPair(JsonElement element, PairKind kind, out Point pt1, out Point pt2, ref JsonProblem problem)
    {
        pt1 = pt2 = default;
        if (element.ValueKind == JsonValueKind.Object)
        {
            return TryReadPairObject(element, kind, out pt1, out pt2, out problem);
        }
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != 2
            || element[0].ValueKind is not (JsonValueKind.Array or JsonValueKind.Object)
            || element[1].ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
        {
            return false;
        }
        if (!TryReadPoint(element[0], out pt1, out problem))
        {
            problem = problem.Under("[0]");
            return false;
        }
        if (!TryReadPoint(element[1], out pt2, out problem))
        {
            problem = problem.Under("[1]");
            return false;
        }
        return true;
    }

    /// <summary>The original's <c>{"pt1": .., "pt2": ..}</c>: both fields required, no others.</summary>
    private static bool TryReadPairObject(JsonElement element, PairKind kind, out Point pt1, out Point pt2, out JsonProblem problem)
    {
        pt1 = pt2 = default;
        foreach (var field in element.EnumerateObject())
        {
            if (field.Name is not ("pt1" or "pt2"))
            {
                problem = new JsonProblem($".{field.Name}", $"unknown field of a {kind.Name}; expected only pt1 and pt2");
                return false;
            }
        }
        return TryReadPairField(element, "pt1", kind, out pt1, out problem)
            && TryReadPairField(element, "pt2", kind, out pt2, out problem);
    }

    private static bool TryReadPairField(JsonElement element, string name, PairKind kind, out Point point, out JsonProblem problem)
    {
        point = default;
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            problem = new JsonProblem($".{name}", $"missing; a {kind.Name} needs its two {kind.Parts} pt1 and pt2");
            return false;
        }
        if (!TryReadPoint(value, out point, out problem))
        {
            problem = problem.Under($".{name}");
            return false;
        }
        return true;
    }

    /// <summary>What a pair of points makes, for messages: <c>line</c> of two <c>points</c>, <c>rectangle</c> of two <c>corners</c>.</summary>
    private readonly record struct PairKind(string Name, string Parts);
}
