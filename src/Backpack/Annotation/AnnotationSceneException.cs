namespace Backpack.Annotation;

/// <summary>
/// A scene document (see <see cref="AnnotationScene"/>) that is not valid: the message names the
/// annotation's index and the field, says what was wrong and what was expected.
/// </summary>
public sealed class AnnotationSceneException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public AnnotationSceneException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was wrong.</param>
    public AnnotationSceneException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public AnnotationSceneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal AnnotationSceneException(int? index, string? field, string problem, Exception? innerException = null)
        : base(Describe(index, field, problem), innerException)
    {
        Index = index;
        Field = field;
    }

    /// <summary>The index of the bad annotation in the <c>annotations</c> array, or null when the document itself is bad.</summary>
    public int? Index { get; }

    /// <summary>The name of the bad field (such as <c>color</c> or <c>points[2]</c>), or null when the whole annotation is bad.</summary>
    public string? Field { get; }

    private static string Describe(int? index, string? field, string problem)
    {
        var where = index is { } i ? $"annotations[{i}]" : "scene";
        if (field is not null)
        {
            where += index is null ? $" field '{field}'" : $".{field}";
        }
        return $"{where}: {problem}";
    }
}
