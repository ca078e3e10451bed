using System.Buffers.Text;
using System.Text.Json;

namespace Backpack.Aws.Kinesis.Producer;

/// <summary>
/// Reads the acknowledgement lines of a PutMedia response:
/// <c>{"EventType":"PERSISTED","FragmentTimecode":1700000000000,"FragmentNumber":"9134…"}</c>, with ErrorId and
/// ErrorCode on ERROR and no FragmentTimecode on IDLE.
/// </summary>
/// <remarks>
/// Lenient, because the ACK stream outlives any one reading of it: unknown members are skipped, an unknown EventType is
/// <see cref="FragmentAckType.Unknown"/>, numbers may come as strings. Utf8JsonReader keeps it free of reflection
/// (trimming and AOT) and allocates only the two strings an ACK keeps.
/// </remarks>
internal static class FragmentAckParser
{
    // An escaped number in quotes longer than this (\u0034 is six bytes for "4") is no ErrorId or timecode.
    private const int MaxEscapedNumberLength = 20 * 6;

    /// <summary>Parses one ACK line (UTF-8 JSON, without its newline; whitespace around it is allowed).</summary>
    /// <param name="line">The line.</param>
    /// <param name="ack">The acknowledgement; default when the line is not a JSON object.</param>
    /// <returns>False, without throwing, when the line is not one well-formed JSON object.</returns>
    public static bool TryParse(ReadOnlySpan<byte> line, out FragmentAck ack)
    {
        ack = default;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            var type = FragmentAckType.Unknown;
            long? timecode = null;
            string? fragmentNumber = null;
            int? errorId = null;
            string? errorCode = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("EventType"u8))
                {
                    reader.Read();
                    type = reader.TokenType == JsonTokenType.String ? EventType(ref reader) : SkipValue(ref reader, FragmentAckType.Unknown);
                }
                else if (reader.ValueTextEquals("FragmentTimecode"u8))
                {
                    reader.Read();
                    timecode = TryInt64(ref reader, out var value) ? value : null;
                }
                else if (reader.ValueTextEquals("FragmentNumber"u8))
                {
                    reader.Read();
                    fragmentNumber = Text(ref reader);
                }
                else if (reader.ValueTextEquals("ErrorId"u8))
                {
                    reader.Read();
                    errorId = TryInt64(ref reader, out var value) && value is >= int.MinValue and <= int.MaxValue ? (int)value : null;
                }
                else if (reader.ValueTextEquals("ErrorCode"u8))
                {
                    reader.Read();
                    errorCode = Text(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return false;
            }
            // Anything after the object but whitespace makes the reader throw: not one ACK.
            if (reader.Read())
            {
                return false;
            }
            ack = new FragmentAck(type, timecode, fragmentNumber, errorId, errorCode);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed or truncated JSON is the reader's JsonException; a string that is not valid UTF-8 (or an
            // escape that is no valid UTF-16) it reports only when the string is read, as InvalidOperationException.
            return false;
        }
    }

    private static FragmentAckType EventType(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("BUFFERING"u8))
        {
            return FragmentAckType.Buffering;
        }
        if (reader.ValueTextEquals("RECEIVED"u8))
        {
            return FragmentAckType.Received;
        }
        if (reader.ValueTextEquals("PERSISTED"u8))
        {
            return FragmentAckType.Persisted;
        }
        if (reader.ValueTextEquals("ERROR"u8))
        {
            return FragmentAckType.Error;
        }
        if (reader.ValueTextEquals("IDLE"u8))
        {
            return FragmentAckType.Idle;
        }
        return FragmentAckType.Unknown;
    }

    // A whole number as a JSON number or as a string of digits ("4000"); anything else is absent.
    private static bool TryInt64(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetInt64(out value);
            case JsonTokenType.String when !reader.ValueIsEscaped:
                return ParseDigits(reader.ValueSpan, out value);
            case JsonTokenType.String:
                // Unescaping only shortens the text, so the escaped length bounds the buffer; a long one is no number.
                if (reader.ValueSpan.Length > MaxEscapedNumberLength)
                {
                    return false;
                }
                Span<byte> unescaped = stackalloc byte[MaxEscapedNumberLength];
                var length = reader.CopyString(unescaped);
                return ParseDigits(unescaped[..length], out value);
            default:
                return SkipValue(ref reader, false);
        }
    }

    private static bool ParseDigits(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out var consumed) && consumed == text.Length && text.Length > 0;

    // Steps over an object or an array given where a primitive was expected, so that the member loop carries on.
    private static T SkipValue<T>(ref Utf8JsonReader reader, T result)
    {
        reader.Skip();
        return result;
    }

    // A string member, or a number's text (a fragment number sent unquoted); null, objects and arrays are absent.
    private static string? Text(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
            default:
                return SkipValue<string?>(ref reader, null);
        }
    }
}
