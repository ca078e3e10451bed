using System.Text;
using System.Text.Json;

namespace Backpack.Annotation;

/// <summary>
/// Reads and writes scenes: the JSON document <c>{"annotations": [ ... ]}</c> that lists the annotations
/// of one frame, as used by <c>backpack annotate</c>, the benchmarks and overlays. The format is described
/// in docs/annotation.md; writing then reading a list gives an equal list.
/// </summary>
/// <remarks>Stateless and thread safe.</remarks>
/// <example>
/// <code>
/// IReadOnlyList&lt;Annotation&gt; scene = AnnotationScene.Load("standard.json");
/// string json = AnnotationScene.Serialize(scene);
/// </code>
/// </example>
public static class AnnotationScene
{
    /// <summary>Parses a scene document.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The annotations, in document order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="AnnotationSceneException">The document is not valid JSON or not a valid scene; the message names the annotation index and field.</exception>
    public static IReadOnlyList<Annotation> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Parses a scene document from UTF-8 bytes.</summary>
    /// <param name="utf8Json">The JSON document as UTF-8.</param>
    /// <returns>The annotations, in document order.</returns>
    /// <exception cref="AnnotationSceneException">The document is not valid JSON or not a valid scene.</exception>
    public static IReadOnlyList<Annotation> Parse(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException exception)
        {
            throw new AnnotationSceneException(null, null, $"not valid JSON ({exception.Message})", exception);
        }
        using (document)
        {
            return SceneJsonReader.ReadScene(document.RootElement);
        }
    }

    /// <summary>Reads a scene file.</summary>
    /// <param name="path">The path of a JSON scene file.</param>
    /// <returns>The annotations, in document order.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="AnnotationSceneException">The file is not a valid scene; the message names the annotation index and field.</exception>
    public static IReadOnlyList<Annotation> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllBytes(path));
    }

    /// <summary>Writes annotations as a scene document.</summary>
    /// <param name="annotations">The annotations; only the types of this library can be written.</param>
    /// <param name="indented">True (the default) for one field a line, false for the most compact form.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="annotations"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">
    /// An annotation type that the format does not know, or a NaN or infinite coordinate, which JSON cannot hold; the
    /// message names the place as the reader does, such as <c>annotations[3].rect[2]</c> (annotation 3, the rectangle's x2).
    /// </exception>
    public static string Serialize(IEnumerable<Annotation> annotations, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        return Encoding.UTF8.GetString(SceneJsonWriter.Write(annotations, indented));
    }

    /// <summary>Writes annotations to a scene file, replacing it.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="annotations">The annotations.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="path"/> is empty, or an annotation the format cannot hold (as for <see cref="Serialize"/>); nothing is
    /// written then.
    /// </exception>
    /// <exception cref="ArgumentNullException"><paramref name="annotations"/> or one of them is null.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, IEnumerable<Annotation> annotations)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(annotations);
        File.WriteAllBytes(path, SceneJsonWriter.Write(annotations, indented: true));
    }
}
