namespace Backpack.Annotation.Rendering;

/// <summary>
/// How much of each pixel one shape covers (0 to 255), with the range of touched columns per row, so that
/// blending visits only covered pixels and the mask is cleared as it is blended. Pieces of one shape combine
/// with the maximum, so overlapping strokes of one shape blend once (a semi-transparent polyline has no
/// darker joints).
/// </summary>
/// <remarks>Owned by one driver (or one glyph being cached); not thread safe. Allocates only when it grows.</remarks>
internal sealed class CoverageMask
{
    private byte[] _coverage = [];
    private int[] _rowStart = [];
    private int[] _rowEnd = [];

    internal int Width { get; private set; }

    internal int Height { get; private set; }

    /// <summary>First touched row, or <see cref="Height"/> when nothing is touched.</summary>
    internal int Top { get; private set; }

    /// <summary>Last touched row, or −1 when nothing is touched.</summary>
    internal int Bottom { get; private set; } = -1;

    internal bool IsEmpty => Bottom < Top;

    /// <summary>Sets the size; the mask must be empty (a fresh mask or one that was blended or cleared).</summary>
    internal void Resize(int width, int height)
    {
        if (width == Width && height == Height)
        {
            return;
        }
        // Checked: the mask of a frame or of a cached glyph fits an array; anything larger is a bug, not a wrap-around.
        var size = checked(width * height);
        if (_coverage.Length < size)
        {
            _coverage = new byte[size];
        }
        else
        {
            Array.Clear(_coverage);
        }
        if (_rowStart.Length < height)
        {
            _rowStart = new int[height];
            _rowEnd = new int[height];
        }
        Width = width;
        Height = height;
        _rowStart.AsSpan(0, height).Fill(int.MaxValue);
        _rowEnd.AsSpan(0, height).Fill(-1);
        Top = height;
        Bottom = -1;
    }

    /// <summary>The coverage of row <paramref name="y"/>, all <see cref="Width"/> bytes.</summary>
    internal Span<byte> Row(int y) => _coverage.AsSpan(y * Width, Width);

    /// <summary>The touched columns of row <paramref name="y"/>, inclusive; start &gt; end when untouched.</summary>
    internal (int Start, int End) RowRange(int y) => (_rowStart[y], _rowEnd[y]);

    /// <summary>Records that columns <paramref name="x0"/> to <paramref name="x1"/> of row <paramref name="y"/> were written.</summary>
    internal void Touch(int y, int x0, int x1)
    {
        if (x0 < _rowStart[y])
        {
            _rowStart[y] = x0;
        }
        if (x1 > _rowEnd[y])
        {
            _rowEnd[y] = x1;
        }
        if (y < Top)
        {
            Top = y;
        }
        if (y > Bottom)
        {
            Bottom = y;
        }
    }

    /// <summary>Raises the coverage of one pixel to at least <paramref name="value"/> (no range bookkeeping).</summary>
    internal void Raise(int index, byte value)
    {
        ref var cell = ref _coverage[index];
        if (value > cell)
        {
            cell = value;
        }
    }

    /// <summary>Forgets the touched range of a row after its coverage was consumed and zeroed.</summary>
    internal void ResetRow(int y)
    {
        _rowStart[y] = int.MaxValue;
        _rowEnd[y] = -1;
    }

    /// <summary>Marks the mask empty after every touched row was reset.</summary>
    internal void ResetBounds()
    {
        Top = Height;
        Bottom = -1;
    }

    /// <summary>Zeroes every touched pixel and forgets the ranges.</summary>
    internal void Clear()
    {
        for (var y = Top; y <= Bottom; y++)
        {
            var (start, end) = RowRange(y);
            if (start <= end)
            {
                Row(y)[start..(end + 1)].Clear();
            }
            ResetRow(y);
        }
        ResetBounds();
    }
}
