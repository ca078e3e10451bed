namespace Backpack.Annotation;

/// <summary>Which point of a label's text lies at the label's <see cref="LabelAnnotation.Point"/>, horizontally.</summary>
public enum HorizontalAnchor
{
    /// <summary>The text starts at the point.</summary>
    Left,

    /// <summary>The text is centred on the point.</summary>
    Center,

    /// <summary>The text ends at the point.</summary>
    Right,
}
