using System.Text;

namespace Backpack.Aws.Kinesis.KvsSink;

/// <summary>
/// Writes values into gst-launch descriptions and GstStructure strings so that GStreamer reads back exactly the
/// text given: plain when every character is one GStreamer reads unquoted, else in double quotes with
/// <c>\</c> and <c>"</c> escaped by a backslash (the unescaping both gst_parse_launch and gst_structure_from_string do).
/// </summary>
internal static class GstSyntax
{
    /// <summary>
    /// A property value for a gst-launch description: <c>cam-1</c> stays as it is, <c>/my certs/a.pem</c>
    /// becomes <c>"/my certs/a.pem"</c>, the empty string <c>""</c>.
    /// </summary>
    internal static string PropertyValue(string value) => IsPlain(value) ? value : Quote(value);

    /// <summary>
    /// A string-typed field value for a GstStructure string: <c>(string)cam-1</c>, or
    /// <c>(string)"a=b,c"</c> when the text holds characters the structure parser would stop at or type.
    /// </summary>
    internal static string StructureStringValue(string value) => "(string)" + (IsPlain(value) ? value : Quote(value));

    /// <summary>
    /// Refuses text that cannot stand in a description: empty (when not allowed), control characters
    /// (a line break would end the description in a shell or a log line) and NUL.
    /// </summary>
    internal static void RequireText(string? value, string parameterName, string what)
    {
        ArgumentNullException.ThrowIfNull(value, parameterName);
        if (value.Length == 0)
        {
            throw new ArgumentException($"The {what} is empty; a non-empty text is expected.", parameterName);
        }
        foreach (var character in value)
        {
            if (char.IsControl(character))
            {
                throw new ArgumentException(
                    $"The {what} contains a control character (U+{(int)character:X4}); line breaks, tabs and other control characters cannot stand in a GStreamer description.",
                    parameterName);
            }
        }
    }

    // GStreamer's GST_ASCII_IS_STRING: the characters an unquoted structure value may hold. The gst-launch
    // lexer takes more unquoted, but these are the ones both read the same way.
    private static bool IsPlain(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }
        foreach (var character in value)
        {
            if (!(char.IsAsciiLetterOrDigit(character) || character is '_' or '-' or '+' or '/' or ':' or '.'))
            {
                return false;
            }
        }
        return true;
    }

    private static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var character in value)
        {
            if (character is '\\' or '"')
            {
                quoted.Append('\\');
            }
            quoted.Append(character);
        }
        return quoted.Append('"').ToString();
    }
}
