using System.Runtime.CompilerServices;

namespace Backpack.Annotation.Rendering;

/// <summary>
/// Turns shapes into pixel coverage on a <see cref="CoverageMask"/>. Coordinates are continuous: pixel
/// (i, j) is the square [i, i + 1) × [j, j + 1), its centre at (i + 0.5, j + 0.5). Everything is clipped to
/// the mask; nothing allocates once the scratch buffers have grown to the frame's size.
/// </summary>
internal sealed class Rasterizer
{
    /// <summary>Coverage below this (of 1) counts as none: it would not change an 8-bit pixel.</summary>
    private const float MinCoverage = 1f / 512;

    private float[] _accumulator = [];
    private Edge[] _edges = new Edge[64];

    /// <summary>Covers the pixels of the integer rectangle [x0, x1] × [y0, y1] (inclusive) fully.</summary>
    internal static void FillPixels(CoverageMask mask, int x0, int y0, int x1, int y1)
    {
        x0 = Math.Max(x0, 0);
        y0 = Math.Max(y0, 0);
        x1 = Math.Min(x1, mask.Width - 1);
        y1 = Math.Min(y1, mask.Height - 1);
        if (x0 > x1 || y0 > y1)
        {
            return;
        }
        for (var y = y0; y <= y1; y++)
        {
            mask.Row(y)[x0..(x1 + 1)].Fill(255);
            mask.Touch(y, x0, x1);
        }
    }

    /// <summary>
    /// Covers a capsule: the points within <paramref name="radius"/> of the segment from (ax, ay) to (bx, by),
    /// so strokes get round caps and joints. Coverage falls off linearly over one pixel at the edge
    /// (anti-aliasing); a segment of length zero is a dot.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void StrokeSegment(CoverageMask mask, double ax, double ay, double bx, double by, double radius)
    {
        var outer = radius + 0.5;
        var yTop = Math.Max(0, (int)Math.Ceiling(Math.Min(ay, by) - outer - 0.5));
        var yBottom = Math.Min(mask.Height - 1, (int)Math.Floor(Math.Max(ay, by) + outer - 0.5));
        if (yTop > yBottom || Math.Max(ax, bx) + outer < 0 || Math.Min(ax, bx) - outer > mask.Width)
        {
            return;
        }
        var dx = bx - ax;
        var dy = by - ay;
        var lengthSquared = (dx * dx) + (dy * dy);
        var length = Math.Sqrt(lengthSquared);
        // The unit normal times the outer radius: the band around the segment spans ±(nx, ny).
        double nx = 0, ny = 0;
        if (length > 1e-12)
        {
            nx = -dy / length * outer;
            ny = dx / length * outer;
        }
        Span<double> quad = [ax + nx, ay + ny, bx + nx, by + ny, bx - nx, by - ny, ax - nx, ay - ny];
        // Along the segment the distance to it is the distance to its line, which changes linearly along a row;
        // only beyond its ends (the round caps) is a square root needed.
        var hasLength = length > 1e-12;
        var ux = hasLength ? dx / length : 0.0;
        var uy = hasLength ? dy / length : 0.0;
        for (var y = yTop; y <= yBottom; y++)
        {
            var cy = y + 0.5;
            var left = double.PositiveInfinity;
            var right = double.NegativeInfinity;
            DiskSpan(ax, ay, outer, cy, ref left, ref right);
            DiskSpan(bx, by, outer, cy, ref left, ref right);
            if (hasLength)
            {
                ConvexSpan(quad, cy, ref left, ref right);
            }
            if (left > right)
            {
                continue;
            }
            var x0 = Math.Max(0, (int)Math.Ceiling(left - 0.5));
            var x1 = Math.Min(mask.Width - 1, (int)Math.Floor(right - 0.5));
            if (x0 > x1)
            {
                continue;
            }
            var row = mask.Row(y);
            var first = -1;
            var last = -1;
            var px = x0 + 0.5 - ax;
            var py = cy - ay;
            var along = (px * ux) + (py * uy);
            var across = (px * -uy) + (py * ux);
            for (var x = x0; x <= x1; x++, px += 1.0, along += ux, across -= uy)
            {
                double distance;
                if (hasLength && along >= 0 && along <= length)
                {
                    distance = Math.Abs(across);
                }
                else
                {
                    var qx = along > 0 && hasLength ? px - dx : px;
                    var qy = along > 0 && hasLength ? py - dy : py;
                    distance = Math.Sqrt((qx * qx) + (qy * qy));
                }
                var coverage = outer - distance;
                if (coverage <= MinCoverage)
                {
                    continue;
                }
                var value = coverage >= 1.0 ? (byte)255 : (byte)((coverage * 255.0) + 0.5);
                if (value > row[x])
                {
                    row[x] = value;
                }
                if (first < 0)
                {
                    first = x;
                }
                last = x;
            }
            if (first >= 0)
            {
                mask.Touch(y, first, last);
            }
        }
    }

    /// <summary>
    /// Fills a polygon (convex or concave, closed implicitly) with exact area coverage: each pixel is covered
    /// by the fraction of its area inside the polygon. Overlapping parts of a self-intersecting polygon count once.
    /// </summary>
    /// <param name="mask">The target.</param>
    /// <param name="xs">The x of every vertex, continuous coordinates.</param>
    /// <param name="ys">The y of every vertex.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void FillPolygon(CoverageMask mask, ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        var width = mask.Width;
        var edgeCount = 0;
        double top = double.PositiveInfinity, bottom = double.NegativeInfinity;
        for (var i = 0; i < xs.Length; i++)
        {
            var j = i + 1 == xs.Length ? 0 : i + 1;
            AddClippedEdges(xs[i], ys[i], xs[j], ys[j], width, ref edgeCount);
            top = Math.Min(top, ys[i]);
            bottom = Math.Max(bottom, ys[i]);
        }
        var yStart = Math.Max(0, (int)Math.Floor(top));
        var yEnd = Math.Min(mask.Height - 1, (int)Math.Ceiling(bottom) - 1);
        if (edgeCount == 0 || yStart > yEnd)
        {
            return;
        }
        if (_accumulator.Length < width + 2)
        {
            _accumulator = new float[width + 2];
        }
        var accumulator = _accumulator.AsSpan(0, width + 2);
        var edges = _edges.AsSpan(0, edgeCount);
        for (var y = yStart; y <= yEnd; y++)
        {
            var minColumn = int.MaxValue;
            var maxColumn = -1;
            foreach (ref readonly var edge in edges)
            {
                var ya = Math.Max(edge.Y0, y);
                var yb = Math.Min(edge.Y1, y + 1);
                if (ya >= yb)
                {
                    continue;
                }
                var xa = edge.X0 + ((ya - edge.Y0) * edge.Slope);
                var xb = edge.X0 + ((yb - edge.Y0) * edge.Slope);
                Accumulate(accumulator, xa, xb, (float)((yb - ya) * edge.Direction), ref minColumn, ref maxColumn);
            }
            if (maxColumn < 0)
            {
                continue;
            }
            var row = mask.Row(y);
            var end = Math.Min(maxColumn, width - 1);
            var sum = 0f;
            var first = int.MaxValue;
            var last = -1;
            for (var x = minColumn; x <= end; x++)
            {
                sum += accumulator[x];
                accumulator[x] = 0;
                var coverage = Math.Abs(sum);
                var value = coverage >= 1f ? (byte)255 : coverage <= MinCoverage ? (byte)0 : (byte)((coverage * 255f) + 0.5f);
                // Between edges the accumulator is zero and the coverage constant: jump over such runs.
                var next = accumulator[(x + 1)..(end + 1)].IndexOfAnyExcept(0f);
                var runEnd = next < 0 ? end : x + next;
                if (value == 0)
                {
                    x = runEnd;
                    continue;
                }
                var run = row[x..(runEnd + 1)];
                if (value == 255)
                {
                    run.Fill(255);
                }
                else
                {
                    for (var k = 0; k < run.Length; k++)
                    {
                        if (value > run[k])
                        {
                            run[k] = value;
                        }
                    }
                }
                if (first == int.MaxValue)
                {
                    first = x;
                }
                last = runEnd;
                x = runEnd;
            }
            accumulator[(end + 1)..Math.Min(maxColumn + 2, width + 2)].Clear();
            if (last >= 0)
            {
                mask.Touch(y, first, last);
            }
        }
    }

    /// <summary>The span of a horizontal line at <paramref name="cy"/> through a disk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DiskSpan(double cx, double cy0, double radius, double cy, ref double left, ref double right)
    {
        var d = cy - cy0;
        var h = (radius * radius) - (d * d);
        if (h < 0)
        {
            return;
        }
        var half = Math.Sqrt(h);
        left = Math.Min(left, cx - half);
        right = Math.Max(right, cx + half);
    }

    /// <summary>The span of a horizontal line at <paramref name="cy"/> through a convex polygon (x, y pairs).</summary>
    private static void ConvexSpan(ReadOnlySpan<double> polygon, double cy, ref double left, ref double right)
    {
        var count = polygon.Length / 2;
        for (var i = 0; i < count; i++)
        {
            var j = (i + 1) % count;
            double x0 = polygon[2 * i], y0 = polygon[(2 * i) + 1], x1 = polygon[2 * j], y1 = polygon[(2 * j) + 1];
            if ((cy < y0 && cy < y1) || (cy > y0 && cy > y1))
            {
                continue;
            }
            if (y0 == y1)
            {
                left = Math.Min(left, Math.Min(x0, x1));
                right = Math.Max(right, Math.Max(x0, x1));
                continue;
            }
            var x = x0 + ((cy - y0) * (x1 - x0) / (y1 - y0));
            left = Math.Min(left, x);
            right = Math.Max(right, x);
        }
    }

    /// <summary>
    /// Adds the signed area that a piece of edge inside one row band contributes: the running sum of the
    /// accumulator along the row is then the covered fraction of each pixel.
    /// </summary>
    private static void Accumulate(Span<float> accumulator, double xa, double xb, float dy, ref int minColumn, ref int maxColumn)
    {
        var lo = Math.Min(xa, xb);
        var hi = Math.Max(xa, xb);
        var first = (int)lo;
        var last = Math.Min((int)hi, accumulator.Length - 2);
        minColumn = Math.Min(minColumn, first);
        maxColumn = Math.Max(maxColumn, last + 1);
        if (first >= last)
        {
            // Within one column: the part of that pixel right of the edge, the rest carries on to the next.
            var fraction = (float)(((lo + hi) * 0.5) - first);
            accumulator[first] += dy * (1f - fraction);
            accumulator[first + 1] += dy * fraction;
            return;
        }
        var perUnit = dy / (hi - lo);
        for (var column = first; column <= last; column++)
        {
            var left = Math.Max(lo, column);
            var right = Math.Min(hi, column + 1);
            if (right <= left)
            {
                continue;
            }
            var part = (float)(perUnit * (right - left));
            var fraction = (float)(((left + right) * 0.5) - column);
            accumulator[column] += part * (1f - fraction);
            accumulator[column + 1] += part * fraction;
        }
    }

    /// <summary>
    /// Adds an edge, split where it leaves [0, width] horizontally; the parts outside are moved onto the border,
    /// where they still cover the pixels inside as they should.
    /// </summary>
    private void AddClippedEdges(double x0, double y0, double x1, double y1, int width, ref int count)
    {
        if (y0 == y1)
        {
            return;
        }
        Span<double> cuts = stackalloc double[4];
        var cutCount = 0;
        cuts[cutCount++] = 0;
        if (x0 != x1)
        {
            foreach (double border in (ReadOnlySpan<double>)[0, width])
            {
                var t = (border - x0) / (x1 - x0);
                if (t > 0 && t < 1)
                {
                    cuts[cutCount++] = t;
                }
            }
        }
        cuts[cutCount++] = 1;
        cuts[..cutCount].Sort();
        for (var i = 0; i + 1 < cutCount; i++)
        {
            var ta = cuts[i];
            var tb = cuts[i + 1];
            var xa = Math.Clamp(x0 + ((x1 - x0) * ta), 0, width);
            var ya = y0 + ((y1 - y0) * ta);
            var xb = Math.Clamp(x0 + ((x1 - x0) * tb), 0, width);
            var yb = y0 + ((y1 - y0) * tb);
            if (ya == yb)
            {
                continue;
            }
            if (count == _edges.Length)
            {
                Array.Resize(ref _edges, count * 2);
            }
            _edges[count++] = ya < yb
                ? new Edge(xa, ya, yb, (xb - xa) / (yb - ya), 1)
                : new Edge(xb, yb, ya, (xa - xb) / (ya - yb), -1);
        }
    }

    /// <summary>An edge going down from (X0, Y0) to Y1; Direction is +1 when the polygon's edge went down, −1 up.</summary>
    private readonly record struct Edge(double X0, double Y0, double Y1, double Slope, int Direction);
}
