using System.Text;
using System.Text.RegularExpressions;

namespace Backpack.Streaming.GStreamer;

/// <summary>Reading gst-launch descriptions: the element factories they name, and a form safe for logs.</summary>
internal static partial class PipelineDescription
{
    /// <summary>
    /// The element factory names in a description such as
    /// <c>x264enc bitrate=500 ! video/x-h264,profile=high ! h264parse ! tee name=t t. ! queue ! fakesink</c>:
    /// every word that is not a property (<c>name=value</c>), caps (<c>type/subtype,...</c>), a
    /// reference to a named element (<c>t.</c>, <c>t.src_0</c>) or a bracket.
    /// </summary>
    internal static IReadOnlyList<string> ElementNames(string description)
    {
        var names = new List<string>();
        foreach (var word in Words(description))
        {
            if (word is "!" or "(" or ")" || word.Contains('=', StringComparison.Ordinal) ||
                word.Contains('/', StringComparison.Ordinal) || word.Contains('.', StringComparison.Ordinal))
            {
                continue;
            }
            if (FactoryName().IsMatch(word))
            {
                names.Add(word);
            }
        }
        return names;
    }

    /// <summary>
    /// The description with the values of properties that may hold secrets (keys, tokens, passwords,
    /// passphrases, credentials, user ids with passwords in URLs) replaced by <c>***</c>.
    /// </summary>
    internal static string Redact(string description)
    {
        var redacted = SecretProperty().Replace(description, match => match.Groups["name"].Value + "=***");
        return UrlCredentials().Replace(redacted, "${scheme}://***@");
    }

    /// <summary>Splits on whitespace and '!' outside quotes, keeping '!' as a word of its own.</summary>
    private static IEnumerable<string> Words(string description)
    {
        var word = new StringBuilder();
        var quote = '\0';
        foreach (var character in description)
        {
            if (quote != '\0')
            {
                word.Append(character);
                if (character == quote)
                {
                    quote = '\0';
                }
                continue;
            }
            if (character is '"' or '\'')
            {
                quote = character;
                word.Append(character);
            }
            else if (char.IsWhiteSpace(character) || character == '!')
            {
                if (word.Length > 0)
                {
                    yield return word.ToString();
                    word.Clear();
                }
                if (character == '!')
                {
                    yield return "!";
                }
            }
            else
            {
                word.Append(character);
            }
        }
        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_\-]*$")]
    private static partial Regex FactoryName();

    // Property names that end in a secret's word: access-key, secret-key, session-token, user-pw, passphrase, password.
    [GeneratedRegex(@"(?<=^|[\s!])(?<name>[\w\-]*?(key|secret|token|password|passwd|passphrase|credentials?|pw))\s*=\s*(""[^""]*""|'[^']*'|[^\s!]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretProperty();

    [GeneratedRegex(@"(?<scheme>[a-z][a-z0-9+\-.]*)://[^/@\s""']+@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlCredentials();
}
