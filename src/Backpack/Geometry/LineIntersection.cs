namespace Backpack.Geometry;

/// <summary>How one line segment crosses another: the result of <see cref="Line.Intersects"/>.</summary>
public enum LineIntersection
{
    /// <summary>The other segment crosses this one towards the left.</summary>
    Left = -1,

    /// <summary>The segments do not cross.</summary>
    None = 0,

    /// <summary>The other segment crosses this one towards the right.</summary>
    Right = 1,
}
