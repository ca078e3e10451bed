using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Backpack.Annotation;

/// <summary>
/// Draws annotations on a back end's context (a frame, an overlay): the same list of annotations can be
/// rendered by any number of drivers. <see cref="RasterAnnotationDriver"/> draws on <see cref="Imaging.BgrFrame"/>s,
/// <see cref="OverlayAnnotationDriver"/> on any <see cref="IOverlayMedia"/> display list.
/// </summary>
/// <typeparam name="TContext">What the driver draws on.</typeparam>
/// <remarks>
/// <para>
/// A driver rejects an annotation type it does not know with an <see cref="ArgumentException"/> naming the type.
/// It may ignore what its back end cannot show, saying so once in the log. Annotations with NaN or infinite
/// coordinates are skipped with a warning (at most one every 10 seconds, with the count of skipped ones per type).
/// </para>
/// <para>A driver keeps scratch state: use one driver per thread.</para>
/// </remarks>
public abstract partial class AnnotationDriver<TContext>
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromSeconds(10);
    private readonly HashSet<string> _reportedUnsupported = new(StringComparer.Ordinal);

    // Skipped annotations since the last warning, per type in the order first seen: a handful of types at most.
    private readonly List<(Type Type, long Count)> _skippedSinceWarning = [];
    private long _lastWarning = long.MinValue;

    /// <summary>Creates the driver.</summary>
    /// <param name="timeProvider">The clock for live timestamps and for pacing warnings; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Where warnings go; nowhere when null.</param>
    protected AnnotationDriver(TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(GetType());
    }

    /// <summary>The clock of live timestamps.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>The driver's logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>How many annotations were skipped since the driver was made because of NaN or infinite coordinates.</summary>
    public long SkippedCount { get; private set; }

    /// <summary>Draws every annotation, in order, on <paramref name="context"/>.</summary>
    /// <param name="annotations">The annotations; a list is walked without allocating.</param>
    /// <param name="context">What to draw on.</param>
    /// <returns><paramref name="context"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument or an annotation is null.</exception>
    /// <exception cref="ArgumentException">An annotation type this driver does not know.</exception>
    public TContext Render(IEnumerable<Annotation> annotations, TContext context)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(context);
        BeginRender(context);
        if (annotations is IReadOnlyList<Annotation> list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                Dispatch(list[i], i, context);
            }
        }
        else
        {
            var index = 0;
            foreach (var annotation in annotations)
            {
                Dispatch(annotation, index++, context);
            }
        }
        return context;
    }

    /// <summary>Called once per <see cref="Render"/> before the first annotation; validates or prepares the context.</summary>
    /// <param name="context">What will be drawn on.</param>
    protected virtual void BeginRender(TContext context)
    {
    }

    /// <summary>Draws a label.</summary>
    /// <param name="label">The label.</param>
    /// <param name="context">What to draw on.</param>
    protected abstract void AddLabel(LabelAnnotation label, TContext context);

    /// <summary>Draws a rectangle's outline.</summary>
    /// <param name="rect">The rectangle.</param>
    /// <param name="context">What to draw on.</param>
    protected abstract void AddRect(RectAnnotation rect, TContext context);

    /// <summary>Draws a line.</summary>
    /// <param name="line">The line.</param>
    /// <param name="context">What to draw on.</param>
    protected abstract void AddLine(LineAnnotation line, TContext context);

    /// <summary>Draws a marker.</summary>
    /// <param name="marker">The marker.</param>
    /// <param name="context">What to draw on.</param>
    protected abstract void AddMarker(MarkerAnnotation marker, TContext context);

    /// <summary>Draws a polyline or polygon.</summary>
    /// <param name="polyLine">The polyline.</param>
    /// <param name="context">What to draw on.</param>
    protected abstract void AddPolyLine(PolyLineAnnotation polyLine, TContext context);

    /// <summary>Draws a timestamp.</summary>
    /// <param name="timestamp">The timestamp.</param>
    /// <param name="context">What to draw on.</param>
    protected abstract void AddTimestamp(TimestampAnnotation timestamp, TContext context);

    /// <summary>Draws a bounding box with its labels.</summary>
    /// <param name="boundingBox">The bounding box.</param>
    /// <param name="context">What to draw on.</param>
    protected abstract void AddBoundingBox(BoundingBoxAnnotation boundingBox, TContext context);

    /// <summary>Draws an annotation of a type this class does not know; the default rejects it.</summary>
    /// <param name="annotation">The annotation.</param>
    /// <param name="context">What to draw on.</param>
    /// <exception cref="ArgumentException">Always, naming the type, unless a derived driver knows it.</exception>
    protected virtual void AddOther(Annotation annotation, TContext context) =>
        throw new ArgumentException(
            $"{GetType().Name} cannot draw a {annotation.GetType().FullName}; it draws LabelAnnotation, RectAnnotation, LineAnnotation, " +
            "MarkerAnnotation, PolyLineAnnotation, TimestampAnnotation and BoundingBoxAnnotation.",
            nameof(annotation));

    /// <summary>The current local time of <see cref="TimeProvider"/> for a live timestamp, or the timestamp's own time.</summary>
    /// <param name="timestamp">The timestamp annotation.</param>
    protected DateTime TimeOf(TimestampAnnotation timestamp) =>
        timestamp?.Timestamp ?? TimeProvider.GetLocalNow().DateTime;

    /// <summary>
    /// Counts an annotation skipped because a coordinate is NaN or infinite and warns, at most once every
    /// 10 seconds, with the number skipped since the last warning and how many of each type.
    /// </summary>
    /// <param name="annotation">The annotation skipped.</param>
    protected void ReportNonFinite(Annotation annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        SkippedCount++;
        CountSkipped(annotation.GetType());
        var now = TimeProvider.GetTimestamp();
        if (_lastWarning != long.MinValue && TimeProvider.GetElapsedTime(_lastWarning, now) < WarningInterval)
        {
            return;
        }
        long total = 0;
        foreach (var (_, count) in _skippedSinceWarning)
        {
            total += count;
        }
        LogNonFinite(Logger, total, string.Join(", ", _skippedSinceWarning.Select(entry => $"{entry.Count} {entry.Type.Name}")));
        _lastWarning = now;
        _skippedSinceWarning.Clear();
    }

    /// <summary>Logs, once per driver and <paramref name="feature"/>, that the back end cannot show something.</summary>
    /// <param name="feature">What cannot be shown, such as "polyline fill".</param>
    protected void ReportUnsupportedOnce(string feature)
    {
        if (_reportedUnsupported.Add(feature))
        {
            LogUnsupported(Logger, GetType().Name, feature);
        }
    }

    private void CountSkipped(Type type)
    {
        for (var i = 0; i < _skippedSinceWarning.Count; i++)
        {
            if (_skippedSinceWarning[i].Type == type)
            {
                _skippedSinceWarning[i] = (type, _skippedSinceWarning[i].Count + 1);
                return;
            }
        }
        _skippedSinceWarning.Add((type, 1));
    }

    private void Dispatch(Annotation annotation, int index, TContext context)
    {
        switch (annotation)
        {
            case null:
                throw new ArgumentNullException(nameof(annotation), $"The annotation at index {index} is null.");
            case LabelAnnotation label:
                AddLabel(label, context);
                break;
            case RectAnnotation rect:
                AddRect(rect, context);
                break;
            case LineAnnotation line:
                AddLine(line, context);
                break;
            case MarkerAnnotation marker:
                AddMarker(marker, context);
                break;
            case PolyLineAnnotation polyLine:
                AddPolyLine(polyLine, context);
                break;
            case TimestampAnnotation timestamp:
                AddTimestamp(timestamp, context);
                break;
            case BoundingBoxAnnotation boundingBox:
                AddBoundingBox(boundingBox, context);
                break;
            default:
                AddOther(annotation, context);
                break;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Skipped {Count} annotation(s) with NaN or infinite coordinates: {CountsByType}")]
    private static partial void LogNonFinite(ILogger logger, long count, string countsByType);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Driver} cannot show {Feature}; it is left out")]
    private static partial void LogUnsupported(ILogger logger, string driver, string feature);
}
