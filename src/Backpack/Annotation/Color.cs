using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Backpack.Geometry;

namespace Backpack.Annotation;

/// <summary>
/// A colour: red, green and blue from 0 to 255 and an opacity <see cref="Alpha"/> from 0 (invisible)
/// to 1 (opaque, the default).
/// </summary>
/// <remarks>An immutable value; thread safe. <c>default(Color)</c> is black with opacity 0: invisible.</remarks>
/// <example>
/// <code>
/// var orange = Color.FromHex("#ff8800");
/// var zone = HtmlColors.Lime.WithAlpha(0.4);          // a see-through fill
/// var perObject = Color.FromId(trackId);               // the same colour for the same id, as in Python Backpack
/// </code>
/// </example>
public readonly record struct Color
{
    /// <summary>Creates a colour.</summary>
    /// <param name="r">Red, 0 to 255.</param>
    /// <param name="g">Green, 0 to 255.</param>
    /// <param name="b">Blue, 0 to 255.</param>
    /// <param name="alpha">Opacity, 0 (invisible) to 1 (opaque).</param>
    /// <exception cref="ArgumentOutOfRangeException">A component is outside its range.</exception>
    public Color(int r, int g, int b, double alpha = 1.0)
    {
        R = Component(r, nameof(r));
        G = Component(g, nameof(g));
        B = Component(b, nameof(b));
        if (!(alpha >= 0.0 && alpha <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Expected an opacity from 0 (invisible) to 1 (opaque).");
        }
        Alpha = alpha;
    }

    /// <summary>Red, 0 to 255.</summary>
    public byte R { get; }

    /// <summary>Green, 0 to 255.</summary>
    public byte G { get; }

    /// <summary>Blue, 0 to 255.</summary>
    public byte B { get; }

    /// <summary>Opacity, 0 (invisible) to 1 (opaque).</summary>
    public double Alpha { get; }

    /// <summary>True when <see cref="Alpha"/> is 1.</summary>
    public bool IsOpaque => Alpha >= 1.0;

    /// <summary>
    /// A colour from an HTML hex string: <c>#rrggbb</c>, or <c>#rrggbbaa</c> where aa/255 is the opacity;
    /// the <c>#</c> is optional and letters may be upper or lower case.
    /// </summary>
    /// <param name="value">The hex string.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="ArgumentException">Not 6 or 8 hex digits.</exception>
    public static Color FromHex(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!TryFromHex(value, out var color))
        {
            throw new ArgumentException($"'{value}' is not a hex colour; expected \"#rrggbb\" or \"#rrggbbaa\".", nameof(value));
        }
        return color;
    }

    /// <summary>A colour from an integer <c>0xRRGGBB</c>, opaque.</summary>
    /// <param name="value">From 0 to 0xFFFFFF.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above 0xFFFFFF.</exception>
    public static Color FromHex(int value)
    {
        if (value < 0 || value > 0xFFFFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Expected a colour from 0x000000 to 0xFFFFFF (0xRRGGBB).");
        }
        return new Color((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF);
    }

    /// <summary>Like <see cref="FromHex(string)"/>, without throwing.</summary>
    /// <param name="value">The hex string.</param>
    /// <param name="color">The colour, when the result is true.</param>
    /// <returns>True when <paramref name="value"/> is a valid hex colour.</returns>
    public static bool TryFromHex(ReadOnlySpan<char> value, out Color color)
    {
        color = default;
        if (value.StartsWith("#"))
        {
            value = value[1..];
        }
        if ((value.Length != 6 && value.Length != 8)
            || !uint.TryParse(value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }
        if (value.Length == 6)
        {
            color = new Color((int)(bits >> 16) & 0xFF, (int)(bits >> 8) & 0xFF, (int)bits & 0xFF);
        }
        else
        {
            color = new Color((int)(bits >> 24), (int)(bits >> 16) & 0xFF, (int)(bits >> 8) & 0xFF, (bits & 0xFF) / 255.0);
        }
        return true;
    }

    /// <summary>
    /// A colour from its JSON form in a scene (docs/annotation.md): <c>"#rrggbb"</c>, <c>"#rrggbbaa"</c> (aa/255 is
    /// the opacity), <c>[r, g, b]</c>, <c>[r, g, b, alpha]</c> or <c>{"r": r, "g": g, "b": b, "alpha": alpha}</c>
    /// (alpha optional), with r, g, b integers from 0 to 255 and alpha the opacity from 0 to 1.
    /// </summary>
    /// <param name="json">The JSON value.</param>
    /// <returns>The colour.</returns>
    /// <exception cref="ArgumentException"><paramref name="json"/> is a default element that holds no value.</exception>
    /// <exception cref="FormatException">
    /// The value is not a colour; the message starts with the JSON path of the fault (<c>$</c>: the value itself) and
    /// says which forms were expected and what was found.
    /// </exception>
    /// <example>
    /// <code>
    /// var zone = Color.FromJson("""[0, 255, 0, 0.4]""");   // lime, 40 % opaque
    /// </code>
    /// </example>
    public static Color FromJson(JsonElement json) => GeometryJson.Read<Color>(json, SceneJsonReader.TryReadColor);

    /// <summary>A colour from JSON text such as <c>"#ff8800"</c> (with its quotes); see <see cref="FromJson(JsonElement)"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The colour.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="FormatException">Not valid JSON, or not a colour; the message names the JSON path of the fault.</exception>
    public static Color FromJson(string json) => GeometryJson.Parse<Color>(json, SceneJsonReader.TryReadColor);

    /// <summary>
    /// A pseudo-random colour for an identifier (a tracking id), the same for the same identifier and salt
    /// and the same as Python Backpack's <c>Color.from_id</c>: the first three bytes of the MD5 digest of
    /// the salt followed by the decimal identifier (UTF-8) are red, green and blue.
    /// </summary>
    /// <param name="id">The identifier.</param>
    /// <param name="salt">Change it to get another colour for the same identifier; "salt" by default.</param>
    /// <remarks>Allocates nothing for salts up to 200 UTF-8 bytes; MD5 is used for colours, not for security.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="salt"/> is null.</exception>
    public static Color FromId(long id, string salt = "salt")
    {
        ArgumentNullException.ThrowIfNull(salt);
        var length = Encoding.UTF8.GetMaxByteCount(salt.Length) + 20;
        var buffer = length <= 256 ? stackalloc byte[256] : new byte[length];
        var written = Encoding.UTF8.GetBytes(salt, buffer);
        Utf8Formatter.TryFormat(id, buffer[written..], out var digits);
        Span<byte> hash = stackalloc byte[16];
#pragma warning disable CA5351 // MD5 is the original's colour algorithm here, not a security measure.
        MD5.HashData(buffer[..(written + digits)], hash);
#pragma warning restore CA5351
        return new Color(hash[0], hash[1], hash[2]);
    }

    /// <summary>
    /// The colour with each channel multiplied by <paramref name="factor"/> (above 1 brighter, below 1 darker),
    /// truncated to an integer and capped at 255; the opacity stays.
    /// </summary>
    /// <param name="factor">0 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is negative or not a number.</exception>
    public Color Brightness(double factor)
    {
        if (!(factor >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Expected a brightness factor of 0 or more.");
        }
        return new Color(Scale(R, factor), Scale(G, factor), Scale(B, factor), Alpha);

        static int Scale(byte channel, double factor) => (int)Math.Min(255.0, channel * factor);
    }

    /// <summary>The same colour with another opacity.</summary>
    /// <param name="alpha">Opacity, 0 (invisible) to 1 (opaque).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is outside 0 to 1.</exception>
    public Color WithAlpha(double alpha) => new(R, G, B, alpha);

    /// <summary>
    /// The colour as <c>#rrggbb</c> when opaque, <c>#rrggbbaa</c> when the opacity is a multiple of 1/255,
    /// otherwise <c>#rrggbb</c> followed by the opacity, such as <c>#ff0000 alpha=0.3</c>.
    /// </summary>
    public override string ToString()
    {
        var rgb = string.Create(CultureInfo.InvariantCulture, $"#{R:x2}{G:x2}{B:x2}");
        if (IsOpaque)
        {
            return rgb;
        }
        return TryGetAlphaByte(out var alphaByte)
            ? string.Create(CultureInfo.InvariantCulture, $"{rgb}{alphaByte:x2}")
            : string.Create(CultureInfo.InvariantCulture, $"{rgb} alpha={Alpha}");
    }

    /// <summary>True when the opacity is exactly k/255 for an integer k, which <c>#rrggbbaa</c> can hold.</summary>
    internal bool TryGetAlphaByte(out byte alphaByte)
    {
        var k = Math.Round(Alpha * 255.0);
        alphaByte = (byte)k;
        return k / 255.0 == Alpha;
    }

    private static byte Component(int value, string name) =>
        value is >= 0 and <= 255
            ? (byte)value
            : throw new ArgumentOutOfRangeException(name, value, "Expected a colour component from 0 to 255.");
}
