using System.Globalization;
using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>
/// A label showing a date and time as <c>yyyy-MM-dd HH:mm:ss</c>, at the top left of the frame by default.
/// </summary>
/// <remarks>
/// With a <see cref="Timestamp"/> it shows that time. Without one (null) it is a live clock: every driver
/// shows its own current local time (from the <see cref="TimeProvider"/> it was given) each time it renders,
/// so one annotation made once can stay in the list of every frame.
/// </remarks>
/// <example>
/// <code>
/// annotations.Add(new TimestampAnnotation());                             // live clock, top left
/// annotations.Add(TimestampAnnotation.Now(timeProvider, new Point(0.8, 0.04)));   // fixed to this moment
/// </code>
/// </example>
public sealed record TimestampAnnotation : Annotation
{
    /// <summary>The time format, as in Python Backpack (<c>%Y-%m-%d %H:%M:%S</c>).</summary>
    public const string Format = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Where a timestamp goes when no point is given: (0.02, 0.04), the top left.</summary>
    public static Point DefaultPoint { get; } = new(0.02, 0.04);

    /// <summary>Creates a timestamp.</summary>
    /// <param name="timestamp">The local time to show; null for the driver's current time at each render.</param>
    /// <param name="point">The bottom-left anchor of the text, normalised; <see cref="DefaultPoint"/> when null.</param>
    public TimestampAnnotation(DateTime? timestamp = null, Point? point = null)
    {
        Timestamp = timestamp;
        Point = point ?? DefaultPoint;
    }

    /// <summary>The local time shown, or null for the driver's current time.</summary>
    public DateTime? Timestamp { get; }

    /// <summary>The bottom-left anchor of the text, normalised.</summary>
    public Point Point { get; }

    /// <summary>A timestamp fixed to the current local time of <paramref name="timeProvider"/>.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> for the machine's.</param>
    /// <param name="point">The bottom-left anchor, normalised; <see cref="DefaultPoint"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is null.</exception>
    public static TimestampAnnotation Now(TimeProvider timeProvider, Point? point = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return new TimestampAnnotation(timeProvider.GetLocalNow().DateTime, point);
    }

    /// <summary>The text shown for <paramref name="time"/>: <c>2026-11-21 12:00:00</c>.</summary>
    /// <param name="time">The time.</param>
    public static string FormatTime(DateTime time) => time.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Writes the text for a time into <paramref name="destination"/> without allocating.</summary>
    internal static int FormatTime(DateTime time, Span<char> destination)
    {
        time.TryFormat(destination, out var written, Format, CultureInfo.InvariantCulture);
        return written;
    }
}
