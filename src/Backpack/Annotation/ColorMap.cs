namespace Backpack.Annotation;

/// <summary>
/// An ordered set of named colours: look a colour up by name, or give each identifier one of the
/// colours in turn. <see cref="HtmlColors.Map"/> is the map of the 16 HTML basic colours.
/// </summary>
/// <remarks>Immutable after construction; thread safe.</remarks>
/// <example>
/// <code>
/// var palette = new ColorMap([("ok", HtmlColors.Lime), ("warning", HtmlColors.Yellow), ("alarm", HtmlColors.Red)]);
/// Color? alarm = palette.FromName("alarm");
/// Color forTrack = palette.ColorFromId(trackId);     // cycles through the colours in order
/// </code>
/// </example>
public sealed class ColorMap
{
    private readonly (string Name, Color Color)[] _entries;

    /// <summary>Creates a colour map.</summary>
    /// <param name="colors">At least one colour, each with a distinct non-empty name (names compare ignoring case).</param>
    /// <exception cref="ArgumentNullException"><paramref name="colors"/> is null.</exception>
    /// <exception cref="ArgumentException">No colours, an empty name or a duplicate name.</exception>
    public ColorMap(IEnumerable<(string Name, Color Color)> colors)
    {
        ArgumentNullException.ThrowIfNull(colors);
        _entries = [.. colors];
        if (_entries.Length == 0)
        {
            throw new ArgumentException("A colour map needs at least one colour.", nameof(colors));
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, _) in _entries)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("Every colour of a colour map needs a non-empty name.", nameof(colors));
            }
            if (!seen.Add(name))
            {
                throw new ArgumentException($"The colour name '{name}' appears twice; expected distinct names.", nameof(colors));
            }
        }
        Names = Array.AsReadOnly(_entries.Select(entry => entry.Name).ToArray());
        Colors = Array.AsReadOnly(_entries.Select(entry => entry.Color).ToArray());
    }

    /// <summary>The names, in order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The colours, in order (the original's <c>as_list</c>).</summary>
    public IReadOnlyList<Color> Colors { get; }

    /// <summary>The colour with this name (ignoring case), or null when there is none.</summary>
    /// <param name="name">The name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public Color? FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (entryName, color) in _entries)
        {
            if (string.Equals(entryName, name, StringComparison.OrdinalIgnoreCase))
            {
                return color;
            }
        }
        return null;
    }

    /// <summary>
    /// The colour at position <paramref name="id"/> modulo the number of colours, so consecutive
    /// identifiers get the colours in order. Negative identifiers count from the end, as in Python.
    /// </summary>
    /// <param name="id">Any identifier.</param>
    public Color ColorFromId(long id)
    {
        var index = id % _entries.Length;
        return _entries[index < 0 ? index + _entries.Length : index].Color;
    }
}
