using System.Globalization;
using System.Text;

namespace Backpack.Aws.CloudWatch;

/// <summary>
/// The form-encoded body of the AWS Query protocol, written the way botocore writes it
/// (parameter order, <c>member.N</c> lists, ISO 8601 timestamps, Python's number forms, <c>+</c> for spaces).
/// </summary>
internal sealed class QueryProtocol
{
    private readonly StringBuilder _body = new();

    /// <summary>Starts a body with the <c>Action</c> and <c>Version</c> parameters.</summary>
    internal QueryProtocol(string action, string version)
    {
        Add("Action", action);
        Add("Version", version);
    }

    /// <summary>Adds one parameter.</summary>
    internal QueryProtocol Add(string name, string value)
    {
        if (_body.Length > 0)
        {
            _body.Append('&');
        }
        FormEncode(name, _body);
        _body.Append('=');
        FormEncode(value, _body);
        return this;
    }

    /// <summary>Adds a number as Python prints it (<c>str(float)</c>).</summary>
    internal QueryProtocol Add(string name, double value) => Add(name, PythonFloat(value));

    /// <summary>Adds a timestamp in UTC as botocore's ISO 8601 form: microseconds when there are any, none otherwise.</summary>
    internal QueryProtocol Add(string name, DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var microseconds = utc.Ticks % TimeSpan.TicksPerSecond / 10;
        var text = microseconds > 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." + microseconds.ToString("D6", CultureInfo.InvariantCulture) + "Z"
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return Add(name, text);
    }

    /// <summary>The body.</summary>
    public override string ToString() => _body.ToString();

    /// <summary>
    /// Python's <c>repr</c> of a float: the shortest text that reads back to the same number, with
    /// <c>.0</c> on whole numbers and an exponent (<c>1e-05</c>, <c>1e+16</c>) outside <c>[1e-4, 1e16)</c>.
    /// </summary>
    internal static string PythonFloat(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }
        // "R" gives the shortest digits that read back to the same double, as Python's repr does; only the layout differs.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest[0] == '-';
        var unsigned = negative ? shortest[1..] : shortest;
        var exponentAt = unsigned.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? unsigned : unsigned[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(unsigned[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var pointPosition = (point < 0 ? mantissa.Length : point) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        pointPosition -= leadingZeros;
        if (digits.Length == 0)
        {
            return negative ? "-0.0" : "0.0";
        }
        // Decimal exponent of the first significant digit.
        var decimalExponent = pointPosition - 1;
        string text;
        if (decimalExponent < -4 || decimalExponent >= 16)
        {
            var head = digits[..1];
            var tail = digits.Length > 1 ? "." + digits[1..] : string.Empty;
            text = $"{head}{tail}e{(decimalExponent < 0 ? '-' : '+')}{Math.Abs(decimalExponent):00}";
        }
        else if (pointPosition <= 0)
        {
            text = "0." + new string('0', -pointPosition) + digits;
        }
        else if (pointPosition >= digits.Length)
        {
            text = digits + new string('0', pointPosition - digits.Length) + ".0";
        }
        else
        {
            text = digits[..pointPosition] + "." + digits[pointPosition..];
        }
        return negative ? "-" + text : text;
    }

    /// <summary>Python's <c>urllib.parse.quote_plus</c>: unreserved characters kept, space as <c>+</c>, the rest as <c>%XX</c> of UTF-8.</summary>
    private static void FormEncode(string text, StringBuilder builder)
    {
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
                continue;
            }
            if (c == ' ')
            {
                builder.Append('+');
                continue;
            }
            var length = char.IsHighSurrogate(c) && i + 1 < text.Length
                ? Encoding.UTF8.GetBytes(text.AsSpan(i++, 2), bytes)
                : Encoding.UTF8.GetBytes(text.AsSpan(i, 1), bytes);
            foreach (var b in bytes[..length])
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
    }
}
