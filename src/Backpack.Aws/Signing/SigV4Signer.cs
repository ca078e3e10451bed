using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Backpack.Aws.Signing;

/// <summary>
/// AWS Signature Version 4 (header form) for one HTTP request: canonical request, string to sign,
/// derived signing key and the <c>Authorization</c> header value.
/// </summary>
/// <remarks>
/// The signer signs exactly the headers it is given (the caller adds <c>host</c>, <c>x-amz-date</c> and,
/// with temporary credentials, <c>x-amz-security-token</c>). Paths are normalised and URI-encoded once more,
/// as every service but S3 expects; the query is decoded, strictly re-encoded and sorted.
/// <para>
/// Each instance (one per service client) keeps the signing key it derived last, as the AWS SDKs do: a client signs
/// every request of a day with the same key. Kept with it are the access key id, date, region and service it was
/// derived for and the SHA-256 of the secret access key, which tells a changed secret from the same one; the secret
/// itself is never kept, and nothing kept is printed. Thread-safe: the key and its description are replaced together.
/// </para>
/// </remarks>
internal sealed class SigV4Signer
{
    internal const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The hex SHA-256 of an empty payload.</summary>
    internal const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The signing key derived last, or null before the first request.</summary>
    private DerivedKey? _lastKey;
    private int _keysDerived;

    /// <summary>How many signing keys this signer derived (the others came from its cache), for tests.</summary>
    internal int KeysDerived => Volatile.Read(ref _keysDerived);

    /// <summary>Signs one request.</summary>
    /// <param name="method">HTTP method, as sent (<c>GET</c>, <c>POST</c>).</param>
    /// <param name="path">The path as it appears in the request line (already percent-encoded on the wire).</param>
    /// <param name="query">The query string without the leading <c>?</c>; empty when there is none.</param>
    /// <param name="headers">Every header to sign, in any order; a name may repeat.</param>
    /// <param name="payloadHash">Lower-case hex SHA-256 of the body.</param>
    /// <param name="accessKeyId">The access key id.</param>
    /// <param name="secretAccessKey">The secret key; used only to derive the signing key (and hashed to recognise it), never stored or printed.</param>
    /// <param name="region">The signing region, e.g. <c>us-east-1</c>.</param>
    /// <param name="service">The signing name of the service, e.g. <c>monitoring</c>.</param>
    /// <param name="signedAt">The signing time; must match the request's <c>x-amz-date</c>.</param>
    internal SigV4Signature Sign(
        string method,
        string path,
        string query,
        IEnumerable<KeyValuePair<string, string>> headers,
        string payloadHash,
        string accessKeyId,
        string secretAccessKey,
        string region,
        string service,
        DateTimeOffset signedAt)
    {
        var utc = signedAt.UtcDateTime;
        var amzDate = FormatAmzDate(utc);
        var date = amzDate[..8];
        var (canonicalHeaders, signedHeaders) = CanonicalHeaders(headers);

        var canonicalRequest = string.Join('\n',
            method.ToUpperInvariant(),
            CanonicalPath(path),
            CanonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            payloadHash);

        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = string.Join('\n', Algorithm, amzDate, scope, HexSha256(Encoding.UTF8.GetBytes(canonicalRequest)));

        var key = SigningKey(accessKeyId, secretAccessKey, date, region, service);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

        var authorization = $"{Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Signature(canonicalRequest, stringToSign, signedHeaders, signature, authorization);
    }

    /// <summary>The <c>x-amz-date</c> form of a time: <c>yyyyMMddTHHmmssZ</c> in UTC.</summary>
    internal static string FormatAmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Lower-case hex SHA-256 of a payload.</summary>
    internal static string HexSha256(ReadOnlySpan<byte> payload) => Convert.ToHexStringLower(SHA256.HashData(payload));

    private byte[] SigningKey(string accessKeyId, string secretAccessKey, string date, string region, string service)
    {
        Span<byte> secretHash = stackalloc byte[SHA256.HashSizeInBytes];
        HashSecret(secretAccessKey, secretHash);
        var last = _lastKey;
        if (last is not null && last.IsFor(accessKeyId, secretHash, date, region, service))
        {
            return last.Key;
        }
        var key = DeriveKey(secretAccessKey, date, region, service);
        Interlocked.Increment(ref _keysDerived);
        _lastKey = new DerivedKey(accessKeyId, secretHash.ToArray(), date, region, service, key);
        return key;
    }

    /// <summary>The SHA-256 of the secret's UTF-8 bytes, which are wiped after use.</summary>
    private static void HashSecret(string secretAccessKey, Span<byte> hash)
    {
        var length = Encoding.UTF8.GetByteCount(secretAccessKey);
        var bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(secretAccessKey, bytes);
        SHA256.HashData(bytes, hash);
        CryptographicOperations.ZeroMemory(bytes);
    }

    /// <summary>A derived signing key and what it was derived for; the secret only as its SHA-256. Deliberately not a record: no generated ToString or equality.</summary>
    private sealed class DerivedKey(string accessKeyId, byte[] secretHash, string date, string region, string service, byte[] key)
    {
        internal byte[] Key { get; } = key;

        internal bool IsFor(string otherAccessKeyId, ReadOnlySpan<byte> otherSecretHash, string otherDate, string otherRegion, string otherService) =>
            string.Equals(accessKeyId, otherAccessKeyId, StringComparison.Ordinal)
            && string.Equals(date, otherDate, StringComparison.Ordinal)
            && string.Equals(region, otherRegion, StringComparison.Ordinal)
            && string.Equals(service, otherService, StringComparison.Ordinal)
            && secretHash.AsSpan().SequenceEqual(otherSecretHash);

        public override string ToString() => $"signing key for {accessKeyId}/{date}/{region}/{service}";
    }

    private static byte[] DeriveKey(string secretAccessKey, string date, string region, string service)
    {
        var secret = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        var dateKey = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(date));
        var regionKey = HMACSHA256.HashData(dateKey, Encoding.UTF8.GetBytes(region));
        var serviceKey = HMACSHA256.HashData(regionKey, Encoding.UTF8.GetBytes(service));
        var signingKey = HMACSHA256.HashData(serviceKey, "aws4_request"u8);
        CryptographicOperations.ZeroMemory(secret);
        CryptographicOperations.ZeroMemory(dateKey);
        CryptographicOperations.ZeroMemory(regionKey);
        CryptographicOperations.ZeroMemory(serviceKey);
        return signingKey;
    }

    /// <summary>
    /// Removes empty and dot segments (RFC 3986 section 5.2.4, with repeated slashes collapsed) and
    /// URI-encodes every segment; a trailing slash survives.
    /// </summary>
    internal static string CanonicalPath(string path)
    {
        if (path.Length == 0)
        {
            return "/";
        }
        var kept = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (kept.Count > 0)
                {
                    kept.RemoveAt(kept.Count - 1);
                }
                continue;
            }
            kept.Add(segment);
        }
        if (kept.Count == 0)
        {
            return "/";
        }
        var builder = new StringBuilder(path.Length + 16);
        foreach (var segment in kept)
        {
            builder.Append('/');
            AwsUriEncoding.Encode(segment, builder);
        }
        if (path.EndsWith('/'))
        {
            builder.Append('/');
        }
        return builder.ToString();
    }

    /// <summary>
    /// Decodes every parameter, sorts by name, then by value (ordinal, as AWSSDK.Core and the JavaScript SDK do),
    /// and re-encodes each strictly.
    /// </summary>
    internal static string CanonicalQuery(string query)
    {
        if (query.Length == 0)
        {
            return string.Empty;
        }
        var pairs = new List<(string Name, string Value)>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? string.Empty : part[(equals + 1)..];
            pairs.Add((Uri.UnescapeDataString(name), Uri.UnescapeDataString(value)));
        }
        pairs.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(pair => AwsUriEncoding.Encode(pair.Name) + "=" + AwsUriEncoding.Encode(pair.Value)));
    }

    private static (string Canonical, string Signed) CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            if (!byName.TryGetValue(key, out var values))
            {
                values = [];
                byName.Add(key, values);
            }
            values.Add(CollapseWhitespace(value));
        }
        var canonical = new StringBuilder();
        foreach (var (name, values) in byName)
        {
            canonical.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        }
        return (canonical.ToString(), string.Join(';', byName.Keys));
    }

    /// <summary>Trims a header value and turns every run of whitespace (line folds included) into one space.</summary>
    private static string CollapseWhitespace(string value)
    {
        var builder = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }
            builder.Append(c);
        }
        return builder.ToString();
    }
}
