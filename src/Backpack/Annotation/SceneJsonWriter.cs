using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>Writes the scene format in its canonical forms, so that reading gives back equal annotations.</summary>
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
                    throw new ArgumentNullException(nameof(annotations), $"The annotation at index {index} is null.");
                }
                WriteAnnotation(writer, annotation);
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

    private static void WriteAnnotation(Utf8JsonWriter writer, Annotation annotation)
    {
        writer.WriteStartObject();
        switch (annotation)
        {
            case LabelAnnotation label:
                writer.WriteString("type", "label");
                WritePoint(writer, "point", label.Point);
                writer.WriteString("text", label.Text);
                WriteColor(writer, "color", label.Color);
                writer.WriteString("horizontalAnchor", EnumName(label.HorizontalAnchor));
                writer.WriteString("verticalAnchor", EnumName(label.VerticalAnchor));
                writer.WriteNumber("size", label.Size);
                break;
            case RectAnnotation rect:
                writer.WriteString("type", "rect");
                WriteRectangle(writer, "rect", rect.Rect);
                WriteColor(writer, "color", rect.Color);
                break;
            case LineAnnotation line:
                writer.WriteString("type", "line");
                writer.WriteStartArray("line");
                WritePoint(writer, null, line.Line.Pt1);
                WritePoint(writer, null, line.Line.Pt2);
                writer.WriteEndArray();
                writer.WriteNumber("thickness", line.Thickness);
                WriteColor(writer, "color", line.Color);
                break;
            case MarkerAnnotation marker:
                writer.WriteString("type", "marker");
                WritePoint(writer, "point", marker.Point);
                writer.WriteString("style", EnumName(marker.Style));
                WriteColor(writer, "color", marker.Color);
                break;
            case PolyLineAnnotation polyLine:
                writer.WriteString("type", "polyline");
                writer.WriteStartArray("points");
                foreach (var point in polyLine.PolyLine.Points)
                {
                    WritePoint(writer, null, point);
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
                WritePoint(writer, "point", timestamp.Point);
                break;
            case BoundingBoxAnnotation box:
                writer.WriteString("type", "boundingBox");
                WriteRectangle(writer, "rect", box.Rectangle);
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
                throw new ArgumentException(
                    $"The scene format cannot hold a {annotation.GetType().Name}; expected the annotation types of Backpack.Annotation.",
                    nameof(annotation));
        }
        writer.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter writer, string? name, Point point)
    {
        if (name is null)
        {
            writer.WriteStartArray();
        }
        else
        {
            writer.WriteStartArray(name);
        }
        WriteNumber(writer, point.X);
        WriteNumber(writer, point.Y);
        writer.WriteEndArray();
    }

    private static void WriteRectangle(Utf8JsonWriter writer, string name, Rectangle rectangle)
    {
        writer.WriteStartArray(name);
        WriteNumber(writer, rectangle.PtMin.X);
        WriteNumber(writer, rectangle.PtMin.Y);
        WriteNumber(writer, rectangle.PtMax.X);
        WriteNumber(writer, rectangle.PtMax.Y);
        writer.WriteEndArray();
    }

    private static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"The scene format holds finite coordinates only; got {value.ToString(CultureInfo.InvariantCulture)}.", nameof(value));
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
}
