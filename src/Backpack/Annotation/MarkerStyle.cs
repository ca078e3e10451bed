namespace Backpack.Annotation;

/// <summary>The shape of a <see cref="MarkerAnnotation"/>.</summary>
public enum MarkerStyle
{
    /// <summary>An upright cross: a horizontal and a vertical stroke (+).</summary>
    Cross,

    /// <summary>A cross tilted by 45 degrees (×).</summary>
    TiltedCross,

    /// <summary>A cross and a tilted cross together (✳).</summary>
    Star,

    /// <summary>The outline of a square standing on a corner (◇).</summary>
    Diamond,

    /// <summary>The outline of an upright square (□).</summary>
    Square,

    /// <summary>The outline of a triangle pointing up (△).</summary>
    TriangleUp,

    /// <summary>The outline of a triangle pointing down (▽).</summary>
    TriangleDown,
}
