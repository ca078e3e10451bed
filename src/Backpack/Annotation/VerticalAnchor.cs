namespace Backpack.Annotation;

/// <summary>Which point of a label's text lies at the label's <see cref="LabelAnnotation.Point"/>, vertically.</summary>
public enum VerticalAnchor
{
    /// <summary>The text hangs below the point.</summary>
    Top,

    /// <summary>The text is centred on the point.</summary>
    Center,

    /// <summary>The text's baseline is at the point.</summary>
    Baseline,

    /// <summary>The text stands on the point (the default).</summary>
    Bottom,
}
