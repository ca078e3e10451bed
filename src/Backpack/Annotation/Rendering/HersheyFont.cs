namespace Backpack.Annotation.Rendering;

/// <summary>
/// The plain Hershey stroke font with OpenCV's metrics, so text has the size and position it has in
/// Python Backpack's OpenCV driver (FONT_HERSHEY_PLAIN): <see cref="Measure"/> is <c>cv2.getTextSize</c>.
/// </summary>
internal static class HersheyFont
{
    /// <summary>Font units from the glyph origin line up to the cap line (OpenCV's cap_line + base_line = 4 + 5).</summary>
    internal const int Height = 9;

    /// <summary>Font units from the drawing origin down to where OpenCV puts the glyphs' y = 0 (its base_line).</summary>
    internal const int BaseLine = 5;

    /// <summary>The cap line in glyph units (the top of capitals and digits).</summary>
    internal const int CapTop = -5;

    /// <summary>The bottom of capitals in glyph units; descenders go below it.</summary>
    internal const int CapBottom = 4;

    private static readonly Glyph[] Glyphs = Parse(HersheyPlainGlyphs.Ascii);

    /// <summary>The glyph index (0 to 94) that draws <paramref name="c"/>: printable ASCII as itself, anything else as '?'.</summary>
    internal static int GlyphIndex(char c) => c is >= ' ' and <= '~' ? c - ' ' : '?' - ' ';

    internal static Glyph GetGlyph(int index) => Glyphs[index];

    /// <summary>
    /// The size of a text as OpenCV's getTextSize computes it for FONT_HERSHEY_PLAIN: width and height of the
    /// text box above the baseline and the baseline's distance below it, in whole pixels.
    /// </summary>
    internal static (int Width, int Height, int Baseline) Measure(ReadOnlySpan<char> text, double scale, int thickness)
    {
        var advance = 0.0;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            var glyph = Glyphs[GlyphIndex(text[i])];
            advance += (glyph.Right - glyph.Left) * scale;
        }
        var width = (int)Math.Round(advance + thickness);
        var height = (int)Math.Round((Height * scale) + ((thickness + 1) / 2));
        var baseline = (int)Math.Round((BaseLine * scale) + (thickness * 0.5));
        return (width, height, baseline);
    }

    /// <summary>
    /// The highest and lowest glyph points of a text in glyph units (y grows downwards): at least the cap line
    /// <see cref="CapTop"/> and the bottom of capitals <see cref="CapBottom"/>, beyond them where a glyph reaches
    /// higher (brackets, i, $) or descends (g, p, brackets).
    /// </summary>
    internal static (int Top, int Bottom) VerticalExtent(ReadOnlySpan<char> text)
    {
        int top = CapTop, bottom = CapBottom;
        foreach (var c in text)
        {
            var glyph = Glyphs[GlyphIndex(c)];
            top = Math.Min(top, glyph.Top);
            bottom = Math.Max(bottom, glyph.Bottom);
        }
        return (top, bottom);
    }

    private static Glyph[] Parse(string[] encoded)
    {
        var glyphs = new Glyph[encoded.Length];
        for (var g = 0; g < encoded.Length; g++)
        {
            var text = encoded[g];
            var points = new List<(sbyte X, sbyte Y)>();
            var strokeStarts = new List<int>();
            var i = 2;
            while (i < text.Length)
            {
                if (text[i] == ' ')
                {
                    i++;
                    continue;
                }
                strokeStarts.Add(points.Count);
                while (i + 1 < text.Length && text[i] != ' ')
                {
                    points.Add(((sbyte)(text[i] - 'R'), (sbyte)(text[i + 1] - 'R')));
                    i += 2;
                }
            }
            strokeStarts.Add(points.Count);
            glyphs[g] = points.Count == 0
                ? new Glyph(text[0] - 'R', text[1] - 'R', [], [.. strokeStarts], 0, 0, CapTop, CapBottom)
                : new Glyph(
                    text[0] - 'R', text[1] - 'R', [.. points], [.. strokeStarts],
                    points.Min(point => (int)point.X), points.Max(point => (int)point.X),
                    points.Min(point => (int)point.Y), points.Max(point => (int)point.Y));
        }
        return glyphs;
    }

    /// <summary>
    /// One glyph: its left and right bearings and its strokes, each a polyline of points in font units;
    /// stroke k runs over Points[StrokeStarts[k]] up to (not including) Points[StrokeStarts[k + 1]].
    /// MinX, MaxX, Top and Bottom bound the points (a glyph without strokes has the capitals' Top and Bottom).
    /// </summary>
    internal sealed record Glyph(int Left, int Right, (sbyte X, sbyte Y)[] Points, int[] StrokeStarts, int MinX, int MaxX, int Top, int Bottom)
    {
        internal int StrokeCount => StrokeStarts.Length - 1;
    }
}
