using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>
/// Writes the scene format in its canonical forms, so that reading gives back equal annotations. What cannot be
/// written is refused naming the parameter <c>annotations</c> and the place as the reader names it, such as
/// <c>annotations[3].rect[2]</c>.
/// </summary>
internal static class SceneJsonWriter
{
    internal static byte[] Write(IEnumerable<Annotation> annotations, bool indented)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("annotations");
            var index = 0;
            foreach (var annotation in annotations)
            {
                if (annotation is null)
                {
                    throw new ArgumentNullException(nameof(annotations), $"annotations[{index}]: null; expected an annotation.");
                }
                try
                {
                    WriteAnnotation(writer, annotation, index);
                }
                catch (UnwritableException exception)
                {
                    throw new ArgumentException(exception.Message, nameof(annotations));
                }
                index++;
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The scene format's name of an enum value: its C# name in camelCase (<c>tiltedCross</c>).</summary>
    internal static string EnumName<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var name = value.ToString();
        return string.Concat(char.ToLowerInvariant(name[0]).ToString(), name.AsSpan(1));
    }

    private static void WriteAnnotation(Utf8JsonWriter writer, Annotation annotation, int index)
    {
        writer.WriteStartObject();
        switch (annotation)
        {
            case LabelAnnotation label:
                writer.WriteString("type", "label");
                WritePoint(writer, "point", label.Point, new(index, "point"));
                writer.WriteString("text", label.Text);
                WriteColor(writer, "color", label.Color);
                writer.WriteString("horizontalAnchor", EnumName(label.HorizontalAnchor));
                writer.WriteString("verticalAnchor", EnumName(label.VerticalAnchor));
                writer.WriteNumber("size", label.Size);
                break;
            case RectAnnotation rect:
                writer.WriteString("type", "rect");
                WriteRectangle(writer, "rect", rect.Rect, index);
                WriteColor(writer, "color", rect.Color);
                break;
            case LineAnnotation line:
                writer.WriteString("type", "line");
                writer.WriteStartArray("line");
                WritePoint(writer, null, line.Line.Pt1, new(index, "line", 0));
                WritePoint(writer, null, line.Line.Pt2, new(index, "line", 1));
                writer.WriteEndArray();
                writer.WriteNumber("thickness", line.Thickness);
                WriteColor(writer, "color", line.Color);
                break;
            case MarkerAnnotation marker:
                writer.WriteString("type", "marker");
                WritePoint(writer, "point", marker.Point, new(index, "point"));
                writer.WriteString("style", EnumName(marker.Style));
                WriteColor(writer, "color", marker.Color);
                break;
            case PolyLineAnnotation polyLine:
                writer.WriteString("type", "polyline");
                writer.WriteStartArray("points");
                var item = 0;
                foreach (var point in polyLine.PolyLine.Points)
                {
                    WritePoint(writer, null, point, new(index, "points", item++));
                }
                writer.WriteEndArray();
                writer.WriteBoolean("closed", polyLine.PolyLine.Closed);
                writer.WriteNumber("thickness", polyLine.Thickness);
                WriteColor(writer, "color", polyLine.Color);
                WriteColor(writer, "fillColor", polyLine.FillColor);
                break;
            case TimestampAnnotation timestamp:
                writer.WriteString("type", "timestamp");
                if (timestamp.Timestamp is { } time)
                {
                    writer.WriteString("timestamp", time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
                }
                WritePoint(writer, "point", timestamp.Point, new(index, "point"));
                break;
            case BoundingBoxAnnotation box:
                writer.WriteString("type", "boundingBox");
                WriteRectangle(writer, "rect", box.Rectangle, index);
                if (box.TopLabel is not null)
                {
                    writer.WriteString("topLabel", box.TopLabel);
                }
                if (box.BottomLabel is not null)
                {
                    writer.WriteString("bottomLabel", box.BottomLabel);
                }
                WriteColor(writer, "color", box.Color);
                break;
            default:
                throw new UnwritableException(
                    $"annotations[{index}]: the scene format cannot hold a {annotation.GetType().Name}; expected the annotation types of Backpack.Annotation.");
        }
        writer.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter writer, string? name, Point point, Where where)
    {
        if (name is null)
        {
            writer.WriteStartArray();
        }
        else
        {
            writer.WriteStartArray(name);
        }
        WriteNumber(writer, point.X, where, 0);
        WriteNumber(writer, point.Y, where, 1);
        writer.WriteEndArray();
    }

    private static void WriteRectangle(Utf8JsonWriter writer, string name, Rectangle rectangle, int index)
    {
        var where = new Where(index, name);
        writer.WriteStartArray(name);
        WriteNumber(writer, rectangle.PtMin.X, where, 0);
        WriteNumber(writer, rectangle.PtMin.Y, where, 1);
        WriteNumber(writer, rectangle.PtMax.X, where, 2);
        WriteNumber(writer, rectangle.PtMax.Y, where, 3);
        writer.WriteEndArray();
    }

    /// <summary>Writes a coordinate: <paramref name="coordinate"/> is its index in the array at <paramref name="where"/>.</summary>
    private static void WriteNumber(Utf8JsonWriter writer, double value, Where where, int coordinate)
    {
        if (!double.IsFinite(value))
        {
            throw new UnwritableException(
                $"{where.Describe(coordinate)}: the scene format holds finite coordinates only; got {value.ToString(CultureInfo.InvariantCulture)}.");
        }
        writer.WriteNumberValue(value);
    }

    private static void WriteColor(Utf8JsonWriter writer, string name, Color? value)
    {
        if (value is not { } color)
        {
            return;
        }
        if (color.IsOpaque || color.TryGetAlphaByte(out _))
        {
            writer.WriteString(name, color.ToString());
            return;
        }
        writer.WriteStartArray(name);
        writer.WriteNumberValue(color.R);
        writer.WriteNumberValue(color.G);
        writer.WriteNumberValue(color.B);
        writer.WriteNumberValue(color.Alpha);
        writer.WriteEndArray();
    }

    /// <summary>
    /// The place of a coordinate array, named as <see cref="SceneJsonReader"/> names the places it reads:
    /// <c>annotations[1].point</c>, or with the item of a field holding several points, <c>annotations[1].points[2]</c>.
    /// </summary>
    private readonly record struct Where(int Index, string Field, int Item = -1)
    {
        internal string Describe(int coordinate) =>
            Item < 0 ? $"annotations[{Index}].{Field}[{coordinate}]" : $"annotations[{Index}].{Field}[{Item}][{coordinate}]";
    }

    /// <summary>What cannot be written, said where; <see cref="Write"/> turns it into the caller's ArgumentException on <c>annotations</c>.</summary>
    private sealed class UnwritableException(string message) : Exception(message);
}
