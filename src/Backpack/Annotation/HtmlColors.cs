namespace Backpack.Annotation;

/// <summary>
/// The 16 basic HTML colours (HTML 4.01 / CSS named colours), at their standard values.
/// </summary>
/// <remarks>
/// Python Backpack's table has maroon as (128, 128, 128) and teal as (255, 128, 128) and spells aqua
/// "acqua"; here they are (128, 0, 0), (0, 128, 128) and "aqua", as the standard says.
/// </remarks>
public static class HtmlColors
{
    /// <summary>#ffffff</summary>
    public static Color White { get; } = new(255, 255, 255);

    /// <summary>#c0c0c0</summary>
    public static Color Silver { get; } = new(192, 192, 192);

    /// <summary>#808080</summary>
    public static Color Gray { get; } = new(128, 128, 128);

    /// <summary>#000000</summary>
    public static Color Black { get; } = new(0, 0, 0);

    /// <summary>#ff0000</summary>
    public static Color Red { get; } = new(255, 0, 0);

    /// <summary>#800000</summary>
    public static Color Maroon { get; } = new(128, 0, 0);

    /// <summary>#ffff00</summary>
    public static Color Yellow { get; } = new(255, 255, 0);

    /// <summary>#808000</summary>
    public static Color Olive { get; } = new(128, 128, 0);

    /// <summary>#00ff00</summary>
    public static Color Lime { get; } = new(0, 255, 0);

    /// <summary>#008000</summary>
    public static Color Green { get; } = new(0, 128, 0);

    /// <summary>#00ffff</summary>
    public static Color Aqua { get; } = new(0, 255, 255);

    /// <summary>#008080</summary>
    public static Color Teal { get; } = new(0, 128, 128);

    /// <summary>#0000ff</summary>
    public static Color Blue { get; } = new(0, 0, 255);

    /// <summary>#000080</summary>
    public static Color Navy { get; } = new(0, 0, 128);

    /// <summary>#ff00ff</summary>
    public static Color Fuchsia { get; } = new(255, 0, 255);

    /// <summary>#800080</summary>
    public static Color Purple { get; } = new(128, 0, 128);

    /// <summary>The 16 colours by lower-case name, in the order of the HTML specification's table.</summary>
    public static ColorMap Map { get; } = new(
    [
        ("white", White), ("silver", Silver), ("gray", Gray), ("black", Black),
        ("red", Red), ("maroon", Maroon), ("yellow", Yellow), ("olive", Olive),
        ("lime", Lime), ("green", Green), ("aqua", Aqua), ("teal", Teal),
        ("blue", Blue), ("navy", Navy), ("fuchsia", Fuchsia), ("purple", Purple),
    ]);
}
