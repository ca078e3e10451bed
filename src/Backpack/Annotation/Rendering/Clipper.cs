namespace Backpack.Annotation.Rendering;

/// <summary>
/// Cuts segments and polygons to a rectangle in double precision, before anything is rounded, so that shapes
/// reaching far outside the frame keep their direction. Works for any finite coordinates, up to
/// ±<see cref="double.MaxValue"/>: differences are taken of halved values, which cannot overflow.
/// </summary>
/// <remarks>The polygon buffers are reused: allocates only when a polygon has more vertices than any before. Not thread safe.</remarks>
internal sealed class Clipper
{
    private double[] _xs = new double[16];
    private double[] _ys = new double[16];
    private double[] _xs2 = new double[16];
    private double[] _ys2 = new double[16];

    /// <summary>
    /// Cuts the segment (x0, y0)–(x1, y1) to [left, right] × [top, bottom] (Liang–Barsky); false when no part of
    /// it lies inside. An end point inside stays exactly as it was.
    /// </summary>
    internal static bool ClipSegment(
        ref double x0, ref double y0, ref double x1, ref double y1, double left, double top, double right, double bottom)
    {
        // The segment is (hx, hy) + t (dx, dy) for t in [0, 1], all halved; the clip keeps t in [enter, leave].
        double hx = x0 * 0.5, hy = y0 * 0.5;
        double dx = (x1 * 0.5) - hx, dy = (y1 * 0.5) - hy;
        double enter = 0, leave = 1;
        if (!Keep(-dx, hx - (left * 0.5), ref enter, ref leave)
            || !Keep(dx, (right * 0.5) - hx, ref enter, ref leave)
            || !Keep(-dy, hy - (top * 0.5), ref enter, ref leave)
            || !Keep(dy, (bottom * 0.5) - hy, ref enter, ref leave))
        {
            return false;
        }
        if (leave < 1)
        {
            x1 = 2 * (hx + (leave * dx));
            y1 = 2 * (hy + (leave * dy));
        }
        if (enter > 0)
        {
            x0 = 2 * (hx + (enter * dx));
            y0 = 2 * (hy + (enter * dy));
        }
        return true;
    }

    /// <summary>True when a vertex of the polygon lies outside [left, right] × [top, bottom].</summary>
    internal static bool AnyOutside(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys, double left, double top, double right, double bottom)
    {
        for (var i = 0; i < xs.Length; i++)
        {
            if (!(xs[i] >= left && xs[i] <= right && ys[i] >= top && ys[i] <= bottom))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Cuts the polygon of the first <paramref name="count"/> vertices of <paramref name="xs"/>, <paramref name="ys"/>
    /// to [left, right] × [top, bottom] (Sutherland–Hodgman, one side after the other) and writes the result back,
    /// growing the arrays when it has more vertices. Inside the rectangle it covers what the polygon covered: parts of a
    /// concave polygon cut apart stay joined by edges along the border, which enclose no area.
    /// </summary>
    /// <returns>The number of vertices of the cut polygon; below 3 when nothing of it is left.</returns>
    internal int ClipPolygon(ref double[] xs, ref double[] ys, int count, double left, double top, double right, double bottom)
    {
        // Side by side: keep x ≥ left, x ≤ right, then the same for y with the roles of the arrays swapped.
        count = ClipSide(xs, ys, count, ref _xs, ref _ys, left, keepAbove: true);
        count = ClipSide(_xs, _ys, count, ref _xs2, ref _ys2, right, keepAbove: false);
        count = ClipSide(_ys2, _xs2, count, ref _ys, ref _xs, top, keepAbove: true);
        count = ClipSide(_ys, _xs, count, ref _ys2, ref _xs2, bottom, keepAbove: false);
        if (xs.Length < count)
        {
            xs = new double[_xs2.Length];
            ys = new double[_ys2.Length];
        }
        _xs2.AsSpan(0, count).CopyTo(xs);
        _ys2.AsSpan(0, count).CopyTo(ys);
        return count;
    }

    /// <summary>Liang–Barsky's step for one side: keeps the t with p·t ≤ q; false when nothing is left.</summary>
    private static bool Keep(double p, double q, ref double enter, ref double leave)
    {
        if (p == 0)
        {
            return q >= 0;
        }
        var t = q / p;
        if (p < 0)
        {
            if (t > leave)
            {
                return false;
            }
            enter = Math.Max(enter, t);
        }
        else
        {
            if (t < enter)
            {
                return false;
            }
            leave = Math.Min(leave, t);
        }
        return true;
    }

    /// <summary>
    /// Keeps the part of a polygon where the coordinate <paramref name="a"/> is at least (or at most) the bound;
    /// <paramref name="b"/> is the other coordinate. Each edge adds at most two vertices.
    /// </summary>
    private static int ClipSide(
        double[] a, double[] b, int count, ref double[] outA, ref double[] outB, double bound, bool keepAbove)
    {
        if (outA.Length < (2 * count) + 2)
        {
            outA = new double[(2 * count) + 2];
            outB = new double[(2 * count) + 2];
        }
        var written = 0;
        if (count == 0)
        {
            return 0;
        }
        var previous = count - 1;
        var previousInside = keepAbove ? a[previous] >= bound : a[previous] <= bound;
        for (var i = 0; i < count; i++)
        {
            var inside = keepAbove ? a[i] >= bound : a[i] <= bound;
            if (inside != previousInside)
            {
                // Where the edge crosses the bound, from halved values so that the difference cannot overflow.
                var ha = a[previous] * 0.5;
                var hb = b[previous] * 0.5;
                var t = ((bound * 0.5) - ha) / ((a[i] * 0.5) - ha);
                outA[written] = bound;
                outB[written] = 2 * (hb + (t * ((b[i] * 0.5) - hb)));
                written++;
            }
            if (inside)
            {
                outA[written] = a[i];
                outB[written] = b[i];
                written++;
            }
            previous = i;
            previousInside = inside;
        }
        return written;
    }
}
