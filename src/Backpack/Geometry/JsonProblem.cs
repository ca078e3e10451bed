namespace Backpack.Geometry;

/// <summary>
/// What is wrong with a JSON value and where: <see cref="Path"/> is relative to the value read, such as
/// <c>""</c> for the value itself, <c>"[2]"</c> for an item or <c>".points[2]"</c> for a field's item.
/// </summary>
internal readonly record struct JsonProblem(string Path, string Message)
{
    /// <summary>A problem with the value itself.</summary>
    internal static JsonProblem Here(string message) => new(string.Empty, message);

    /// <summary>The same problem seen from a value that holds this one at <paramref name="prefix"/>.</summary>
    internal JsonProblem Under(string prefix) => new(prefix + Path, Message);

    /// <summary>The problem as the exception of the public parsers: <c>$.points[2]: expected a point ...</c>.</summary>
    internal FormatException ToException() => new($"${Path}: {Message}");
}
