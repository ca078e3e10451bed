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

    private static readonly Glyph[] GlyphTable = Parse(HersheyPlainGlyphs.Ascii);

    /// <summary>The glyph index of '?', which stands for every character the font has no glyph for.</summary>
    internal const int QuestionMark = '?' - ' ';

    /// <summary>The glyph index (0 to 94) that draws an ASCII character: printable ASCII as itself, control characters as '?'.</summary>
    internal static int GlyphIndex(char c) => c is >= ' ' and <= '~' ? c - ' ' : QuestionMark;

    /// <summary>
    /// The glyphs OpenCV's putText draws for <paramref name="text"/>, in order: printable ASCII as itself, and for any
    /// other character one '?' per byte of its UTF-8 form (cv2 reads the text as UTF-8 bytes and has no glyph for a
    /// byte above 127): 1 for a control character, 2 up to U+07FF (é, Ж), 3 for the rest of the BMP (☕, €), 4 for a
    /// surrogate pair (😀), and 3 for a lone surrogate, which UTF-8 encodes as the replacement character U+FFFD.
    /// Allocates nothing.
    /// </summary>
    internal static GlyphEnumerator Glyphs(ReadOnlySpan<char> text) => new(text);

    internal static Glyph GetGlyph(int index) => GlyphTable[index];

    /// <summary>
    /// The size of a text as OpenCV's getTextSize computes it for FONT_HERSHEY_PLAIN: width and height of the
    /// text box above the baseline and the baseline's distance below it, in whole pixels.
    /// </summary>
    internal static (int Width, int Height, int Baseline) Measure(ReadOnlySpan<char> text, double scale, int thickness)
    {
        var advance = 0.0;
        foreach (var index in Glyphs(text))
        {
            var glyph = GlyphTable[index];
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
        foreach (var index in Glyphs(text))
        {
            var glyph = GlyphTable[index];
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
    /// <summary>The glyph indices of a text as <see cref="Glyphs"/> describes them; a <c>foreach</c> over it allocates nothing.</summary>
    internal ref struct GlyphEnumerator
    {
        private readonly ReadOnlySpan<char> _text;
        private int _next;
        private int _pendingQuestionMarks;

        internal GlyphEnumerator(ReadOnlySpan<char> text)
        {
            _text = text;
        }

        /// <summary>The glyph index of the current glyph, 0 to 94.</summary>
        public int Current { get; private set; }

        public readonly GlyphEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_pendingQuestionMarks > 0)
            {
                _pendingQuestionMarks--;
                Current = QuestionMark;
                return true;
            }
            if (_next >= _text.Length)
            {
                return false;
            }
            var c = _text[_next++];
            if (c < 0x80)
            {
                Current = GlyphIndex(c);
                return true;
            }
            int utf8Bytes;
            if (c < 0x800)
            {
                utf8Bytes = 2;
            }
            else if (char.IsHighSurrogate(c) && _next < _text.Length && char.IsLowSurrogate(_text[_next]))
            {
                _next++;
                utf8Bytes = 4;
            }
            else
            {
                utf8Bytes = 3;
            }
            _pendingQuestionMarks = utf8Bytes - 1;
            Current = QuestionMark;
            return true;
        }
    }

    internal sealed record Glyph(int Left, int Right, (sbyte X, sbyte Y)[] Points, int[] StrokeStarts, int MinX, int MaxX, int Top, int Bottom)
    {
        internal int StrokeCount => StrokeStarts.Length - 1;
    }
}
