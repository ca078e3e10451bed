using System.Text;

namespace Backpack.Aws.Signing;

/// <summary>The strict URI encoding of AWS: every byte but the unreserved characters of RFC 3986 as upper-case <c>%XX</c>.</summary>
internal static class AwsUriEncoding
{
    /// <summary>Encodes a text's UTF-8 bytes.</summary>
    internal static string Encode(string text)
    {
        if (IsUnreservedOnly(text))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length * 3);
        Encode(text, builder);
        return builder.ToString();
    }

    /// <summary>Appends the encoding of a text's UTF-8 bytes to a builder.</summary>
    internal static void Encode(string text, StringBuilder builder)
    {
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsUnreserved(c))
            {
                builder.Append(c);
                continue;
            }
            int length;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                length = Encoding.UTF8.GetBytes(text.AsSpan(i, 2), bytes);
                i++;
            }
            else
            {
                length = Encoding.UTF8.GetBytes(text.AsSpan(i, 1), bytes);
            }
            foreach (var b in bytes[..length])
            {
                builder.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }
    }

    private const string HexDigits = "0123456789ABCDEF";

    private static bool IsUnreservedOnly(string text)
    {
        foreach (var c in text)
        {
            if (!IsUnreserved(c))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsUnreserved(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~';
}
