using System.Text;

namespace Backpack.Aws.Tests.Signing;

/// <summary>A raw HTTP request of the SigV4 test suite, parsed as the suite means it.</summary>
internal sealed record SuiteRequest(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>
    /// Parses <c>METHOD path[?query] HTTP/1.1</c>, header lines (a line starting with white space continues
    /// the previous header with another value), a blank line and the body.
    /// </summary>
    internal static SuiteRequest Parse(string text)
    {
        var lines = text.Split('\n');
        var requestLine = lines[0];
        var method = requestLine[..requestLine.IndexOf(' ', StringComparison.Ordinal)];
        var target = requestLine[(method.Length + 1)..requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal)];
        var questionMark = target.IndexOf('?', StringComparison.Ordinal);
        var path = questionMark < 0 ? target : target[..questionMark];
        var query = questionMark < 0 ? string.Empty : target[(questionMark + 1)..];

        var headers = new List<KeyValuePair<string, string>>();
        var index = 1;
        for (; index < lines.Length && lines[index].Length > 0; index++)
        {
            var line = lines[index];
            if (char.IsWhiteSpace(line[0]))
            {
                headers.Add(new(headers[^1].Key, line));
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..].TrimStart()));
        }
        var body = index < lines.Length ? string.Join('\n', lines[(index + 1)..]) : string.Empty;
        return new SuiteRequest(method, path, query, headers, Encoding.UTF8.GetBytes(body));
    }
}
