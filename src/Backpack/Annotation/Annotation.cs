namespace Backpack.Annotation;

/// <summary>
/// Something to draw on a frame: the base of <see cref="LabelAnnotation"/>, <see cref="RectAnnotation"/>,
/// <see cref="LineAnnotation"/>, <see cref="MarkerAnnotation"/>, <see cref="PolyLineAnnotation"/>,
/// <see cref="TimestampAnnotation"/> and <see cref="BoundingBoxAnnotation"/>.
/// </summary>
/// <remarks>
/// Annotations are immutable values with coordinates normalised to the frame ([0; 1) from the left and
/// from the top), so the same list can be drawn by any number of drivers on frames of any size.
/// Collect the annotations of one frame in a list and pass it to <see cref="AnnotationDriver{TContext}.Render(IEnumerable{Annotation}, TContext)"/>.
/// </remarks>
public abstract record Annotation
{
    /// <summary>For derived annotation types. A driver that does not know a type rejects it, naming it.</summary>
    protected Annotation()
    {
    }
}
