using System.Buffers;
using System.Runtime.CompilerServices;

namespace Backpack.Imaging;

/// <summary>
/// A picture of <see cref="Width"/> × <see cref="Height"/> pixels, 3 bytes per pixel in blue, green,
/// red order, rows top to bottom, <see cref="Stride"/> bytes apart — the layout of an OpenCV
/// <c>Mat</c> of type <c>CV_8UC3</c> and of most camera buffers.
/// </summary>
/// <remarks>
/// <para>
/// A frame either owns pooled memory (<see cref="Create"/>, <see cref="Clone"/>), returned to the
/// pool by <see cref="Dispose"/>, or wraps memory it does not own (<see cref="Wrap(nint, int, int, int)"/>,
/// <see cref="Wrap(nint, long, int, int, int)"/>, <see cref="Wrap(Memory{byte}, int, int, int)"/>), so that
/// annotations are drawn in place and a SkyLine streams the pixels without a copy.
/// </para>
/// <para>
/// Views made by <see cref="Crop"/> share the memory of their frame and are valid only while it is: once the
/// frame a view was cropped from (or any frame that one was cropped from) is disposed, every member of the view
/// that touches pixels throws <see cref="ObjectDisposedException"/>, so a view that outlives its frame never reads
/// or writes memory the pool has handed to someone else since. The check costs a field read per frame of the
/// chain and allocates nothing.
/// </para>
/// <para>
/// Not thread safe for concurrent writes; reading from several threads while nobody writes is safe. Disposing
/// a frame while another thread still uses it or one of its views is a bug the checks cannot catch, and a span
/// taken from a frame (<see cref="Pixels"/>, <see cref="GetRow"/>) must not be used after the frame is disposed.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var frame = BgrFrame.Create(1280, 720);
/// frame.Fill(blue: 64, green: 64, red: 64);
/// Span&lt;byte&gt; row = frame.GetRow(10);   // 1280 * 3 bytes: B, G, R, B, G, R, ...
/// row[0] = 255;                          // first pixel of row 10 turns blue-ish
/// </code>
/// </example>
public sealed unsafe class BgrFrame : IDisposable
{
    /// <summary>Bytes per pixel: blue, green, red.</summary>
    public const int BytesPerPixel = 3;

    private readonly nint _pointer;
    private readonly Memory<byte> _memory;
    private readonly bool _owned;

    /// <summary>The frame this view was cropped from; null for a frame that is not a view.</summary>
    private readonly BgrFrame? _parent;
    private byte[]? _pooled;
    private bool _disposed;

    private BgrFrame(int width, int height, int stride, nint pointer, Memory<byte> memory, byte[]? pooled, BgrFrame? parent = null)
    {
        Width = width;
        Height = height;
        Stride = stride;
        _pointer = pointer;
        _memory = memory;
        _pooled = pooled;
        _owned = pooled is not null;
        _parent = parent;
    }

    /// <summary>Width in pixels, at least 1.</summary>
    public int Width { get; }

    /// <summary>Height in pixels (rows), at least 1.</summary>
    public int Height { get; }

    /// <summary>Bytes from the start of one row to the start of the next, at least <see cref="Width"/> × 3.</summary>
    public int Stride { get; }

    /// <summary>True when the frame owns its memory and returns it to the pool on <see cref="Dispose"/>.</summary>
    public bool OwnsMemory => _owned;

    /// <summary>True when rows follow each other without padding (<see cref="Stride"/> = <see cref="Width"/> × 3).</summary>
    public bool IsContiguous => Stride == Width * BytesPerPixel;

    /// <summary>Bytes of one row that hold pixels: <see cref="Width"/> × 3.</summary>
    public int RowLength => Width * BytesPerPixel;

    /// <summary>
    /// Bytes from the first pixel of the first row to the last pixel of the last row:
    /// <see cref="Stride"/> × (<see cref="Height"/> − 1) + <see cref="Width"/> × 3.
    /// </summary>
    public int Length => BgrLayout.RequiredLength(Width, Height, Stride);

    /// <summary>
    /// All pixel bytes as one span of <see cref="Length"/> bytes; row <c>y</c> starts at
    /// <c>y * Stride</c>. Padding bytes between rows belong to the memory's owner: leave them alone.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The frame, or the frame a view was cropped from, was disposed.</exception>
    public Span<byte> Pixels
    {
        get
        {
            ThrowIfDisposed();
            return _pointer != 0
                ? new Span<byte>((void*)_pointer, Length)
                : _memory.Span[..Length];
        }
    }

    /// <summary>Creates a frame of pooled memory, contiguous and filled with black.</summary>
    /// <param name="width">Width in pixels, 1 or more.</param>
    /// <param name="height">Height in pixels, 1 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A dimension is below 1, or the frame would need more than <see cref="Array.MaxLength"/> bytes (the exception names
    /// the dimension to make smaller).
    /// </exception>
    public static BgrFrame Create(int width, int height)
    {
        var stride = BgrLayout.ValidateSize(width, height);
        var length = BgrLayout.RequiredLength(width, height, stride);
        var pooled = ArrayPool<byte>.Shared.Rent(length);
        Array.Clear(pooled, 0, length);
        return new BgrFrame(width, height, stride, 0, pooled.AsMemory(0, length), pooled);
    }

    /// <summary>
    /// Wraps native memory the caller owns (an OpenCV <c>Mat.data</c>, a camera or tensor buffer)
    /// without copying, trusting the caller that it is large enough: this overload cannot know the memory's
    /// length. The memory must stay valid and at least <c>stride * (height - 1) + width * 3</c> bytes long while
    /// the frame is used. Prefer <see cref="Wrap(nint, long, int, int, int)"/> when the length is known.
    /// </summary>
    /// <param name="address">Address of the first pixel of the first row; not zero.</param>
    /// <param name="width">Width in pixels, 1 or more.</param>
    /// <param name="height">Height in pixels, 1 or more.</param>
    /// <param name="stride">Bytes between row starts, at least <paramref name="width"/> × 3.</param>
    /// <exception cref="ArgumentException">
    /// The address is zero, a dimension is below 1, the stride too small, or the frame would span more than
    /// <see cref="Array.MaxLength"/> bytes.
    /// </exception>
    public static BgrFrame Wrap(nint address, int width, int height, int stride)
    {
        BgrLayout.ValidateAddress(address);
        BgrLayout.ValidateSize(width, height);
        BgrLayout.ValidateStride(width, height, stride);
        return new BgrFrame(width, height, stride, address, Memory<byte>.Empty, null);
    }

    /// <summary>
    /// Wraps native memory of a known length that the caller owns without copying, refusing a size and stride
    /// that do not fit in it. The memory must stay valid while the frame is used.
    /// </summary>
    /// <param name="address">Address of the first pixel of the first row; not zero.</param>
    /// <param name="length">
    /// Bytes of memory from <paramref name="address"/> on; at least <c>stride * (height - 1) + width * 3</c>
    /// (the last row needs no padding).
    /// </param>
    /// <param name="width">Width in pixels, 1 or more.</param>
    /// <param name="height">Height in pixels, 1 or more.</param>
    /// <param name="stride">Bytes between row starts, at least <paramref name="width"/> × 3.</param>
    /// <exception cref="ArgumentException">
    /// The address is zero, the length negative or too short for the frame, a dimension is below 1, the stride
    /// too small, or the frame would span more than <see cref="Array.MaxLength"/> bytes.
    /// </exception>
    /// <example>
    /// <code>
    /// // An OpenCvSharp Mat of type CV_8UC3:
    /// using var frame = BgrFrame.Wrap(mat.Data, mat.Total() * mat.ElemSize(), mat.Width, mat.Height, (int)mat.Step());
    /// </code>
    /// </example>
    public static BgrFrame Wrap(nint address, long length, int width, int height, int stride)
    {
        BgrLayout.ValidateAddress(address);
        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The memory length is negative; expected the number of bytes from the address on.");
        }
        BgrLayout.ValidateSize(width, height);
        BgrLayout.ValidateStride(width, height, stride);
        BgrLayout.ValidateLength(length, width, height, stride, nameof(length));
        return new BgrFrame(width, height, stride, address, Memory<byte>.Empty, null);
    }

    /// <summary>
    /// Wraps managed memory the caller owns (a <c>byte[]</c>, a slice of a larger buffer) without copying.
    /// </summary>
    /// <param name="memory">At least <c>stride * (height - 1) + width * 3</c> bytes, the first pixel first.</param>
    /// <param name="width">Width in pixels, 1 or more.</param>
    /// <param name="height">Height in pixels, 1 or more.</param>
    /// <param name="stride">Bytes between row starts, at least <paramref name="width"/> × 3.</param>
    /// <exception cref="ArgumentException">A dimension is below 1, the stride too small or the memory too short.</exception>
    public static BgrFrame Wrap(Memory<byte> memory, int width, int height, int stride)
    {
        BgrLayout.ValidateSize(width, height);
        BgrLayout.ValidateStride(width, height, stride);
        BgrLayout.ValidateLength(memory.Length, width, height, stride, nameof(memory));
        return new BgrFrame(width, height, stride, 0, memory, null);
    }

    /// <summary>The <see cref="RowLength"/> pixel bytes of row <paramref name="y"/>.</summary>
    /// <param name="y">Row index from 0 (top) to <see cref="Height"/> − 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="y"/> is outside the frame.</exception>
    /// <exception cref="ObjectDisposedException">The frame, or the frame a view was cropped from, was disposed.</exception>
    public Span<byte> GetRow(int y)
    {
        if ((uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(y), y, $"Expected a row index from 0 to {Height - 1}.");
        }
        return Pixels.Slice(y * Stride, RowLength);
    }

    /// <summary>
    /// A view of a rectangle of this frame that shares its memory: drawing on the view draws on the frame.
    /// The view does not own memory and is valid only while this frame is: once this frame (or a frame it was
    /// cropped from) is disposed, every member of the view that touches pixels throws
    /// <see cref="ObjectDisposedException"/>. Disposing the view releases nothing and leaves this frame usable.
    /// </summary>
    /// <param name="x">Left column of the view, from 0.</param>
    /// <param name="y">Top row of the view, from 0.</param>
    /// <param name="width">Width of the view in pixels, 1 or more.</param>
    /// <param name="height">Height of the view in pixels, 1 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The rectangle does not lie inside the frame; the exception names the first parameter at fault, checked in the
    /// order x, y, width, height.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The frame, or the frame a view was cropped from, was disposed.</exception>
    public BgrFrame Crop(int x, int y, int width, int height)
    {
        ThrowIfDisposed();
        var fault = (uint)x >= (uint)Width ? nameof(x)
            : (uint)y >= (uint)Height ? nameof(y)
            : width < 1 || width > Width - x ? nameof(width)
            : height < 1 || height > Height - y ? nameof(height)
            : null;
        if (fault is not null)
        {
            throw new ArgumentOutOfRangeException(
                fault,
                $"The crop ({x}, {y}, {width}x{height}) must lie inside the {Width}x{Height} frame with a size of at least 1x1: " +
                $"x from 0 to {Width - 1}, y from 0 to {Height - 1}, width from 1 to {Width} - x, height from 1 to {Height} - y.");
        }
        var offset = (y * Stride) + (x * BytesPerPixel);
        var length = BgrLayout.RequiredLength(width, height, Stride);
        return _pointer != 0
            ? new BgrFrame(width, height, Stride, _pointer + offset, Memory<byte>.Empty, null, this)
            : new BgrFrame(width, height, Stride, 0, _memory.Slice(offset, length), null, this);
    }

    /// <summary>A contiguous copy of this frame in pooled memory of its own.</summary>
    /// <exception cref="ObjectDisposedException">The frame, or the frame a view was cropped from, was disposed.</exception>
    public BgrFrame Clone()
    {
        ThrowIfDisposed();
        var copy = Create(Width, Height);
        CopyTo(copy);
        return copy;
    }

    /// <summary>Copies the pixels into a frame of the same size (strides may differ).</summary>
    /// <param name="destination">A frame of the same width and height.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentException">The sizes differ.</exception>
    /// <exception cref="ObjectDisposedException">This frame or the destination (or a frame either was cropped from) was disposed.</exception>
    public void CopyTo(BgrFrame destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Width != Width || destination.Height != Height)
        {
            throw new ArgumentException(
                $"The destination is {destination.Width}x{destination.Height}; expected the source's size {Width}x{Height}.",
                nameof(destination));
        }
        var source = Pixels;
        var target = destination.Pixels;
        if (IsContiguous && destination.IsContiguous)
        {
            source.CopyTo(target);
            return;
        }
        for (var row = 0; row < Height; row++)
        {
            source.Slice(row * Stride, RowLength).CopyTo(target.Slice(row * destination.Stride, RowLength));
        }
    }

    /// <summary>Sets every pixel to one colour.</summary>
    /// <param name="blue">Blue, 0 to 255.</param>
    /// <param name="green">Green, 0 to 255.</param>
    /// <param name="red">Red, 0 to 255.</param>
    /// <exception cref="ObjectDisposedException">The frame, or the frame a view was cropped from, was disposed.</exception>
    public void Fill(byte blue, byte green, byte red)
    {
        var pixels = Pixels;
        var first = pixels[..RowLength];
        if (blue == green && green == red)
        {
            first.Fill(blue);
        }
        else
        {
            // Fill the first row pixel by pixel through a repeating 3-byte pattern, then copy it down.
            Span<byte> pattern = [blue, green, red];
            pattern.CopyTo(first);
            for (var filled = BytesPerPixel; filled < first.Length; filled *= 2)
            {
                first[..Math.Min(filled, first.Length - filled)].CopyTo(first[filled..]);
            }
        }
        for (var row = 1; row < Height; row++)
        {
            first.CopyTo(pixels.Slice(row * Stride, RowLength));
        }
    }

    /// <summary>Writes the frame as a PNG file (8-bit RGB), replacing the file; compressed with the framework's zlib.</summary>
    /// <param name="path">The file path.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="ObjectDisposedException">The frame, or the frame a view was cropped from, was disposed.</exception>
    public void SavePng(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ThrowIfDisposed();
        using var file = File.Create(path);
        PngCodec.Write(this, file);
    }

    /// <summary>Writes the frame as PNG (8-bit RGB) to a stream.</summary>
    /// <param name="stream">A writable stream; left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The frame, or the frame a view was cropped from, was disposed.</exception>
    public void SavePng(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfDisposed();
        PngCodec.Write(this, stream);
    }

    /// <summary>
    /// Reads a PNG file into a new frame of pooled memory: 8-bit grey, grey + alpha, RGB or RGBA, not
    /// interlaced (alpha is dropped). Enough for test and reference images; not a general image decoder.
    /// </summary>
    /// <param name="path">The file path.</param>
    /// <returns>A frame the caller owns and disposes.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">Not a PNG, corrupt, or a kind this reader does not read (the message says which).</exception>
    public static BgrFrame LoadPng(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        return PngCodec.Read(file);
    }

    /// <summary>Reads a PNG image from a stream into a new frame; see <see cref="LoadPng(string)"/>.</summary>
    /// <param name="stream">A readable stream, read to its end; left open.</param>
    /// <returns>A frame the caller owns and disposes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="InvalidDataException">Not a PNG, corrupt, or a kind this reader does not read.</exception>
    public static BgrFrame LoadPng(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return PngCodec.Read(stream);
    }

    /// <summary>
    /// Returns owned memory to the pool; a wrapped frame leaves its memory to its owner, a view releases nothing.
    /// Every view cropped from this frame is unusable from now on. Idempotent.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_pooled is { } pooled)
        {
            _pooled = null;
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }

    /// <summary>
    /// Size and layout, such as <c>BgrFrame 1280x720 stride=3840 owned</c>, ending in <c>disposed</c> once the frame
    /// (or, for a view, the frame it was cropped from) is disposed.
    /// </summary>
    public override string ToString() =>
        $"BgrFrame {Width}x{Height} stride={Stride} {(OwnsMemory ? "owned" : "wrapped")}{(FirstDisposed() is null ? string.Empty : " disposed")}";

    /// <summary>Throws when this frame or a frame of its crop chain was disposed: its memory may belong to someone else now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfDisposed()
    {
        if (FirstDisposed() is { } disposed)
        {
            ThrowDisposed(disposed);
        }
    }

    /// <summary>This frame if it was disposed, else the nearest disposed frame it was cropped from, else null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private BgrFrame? FirstDisposed()
    {
        for (var frame = this; frame is not null; frame = frame._parent)
        {
            if (frame._disposed)
            {
                return frame;
            }
        }
        return null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowDisposed(BgrFrame disposed) =>
        throw new ObjectDisposedException(
            nameof(BgrFrame),
            ReferenceEquals(disposed, this)
                ? $"The {Width}x{Height} frame was disposed; its pixels may belong to someone else now."
                : $"The {Width}x{Height} view was cropped from a {disposed.Width}x{disposed.Height} frame that was disposed; " +
                  "a view is valid only while the frame it was cropped from is, since its memory may belong to someone else now.");
}
