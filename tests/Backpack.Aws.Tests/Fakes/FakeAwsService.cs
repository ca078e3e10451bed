using System.Collections.Concurrent;
using System.Globalization;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Backpack.Aws.Tests.Fakes;

/// <summary>
/// A stand-in for an AWS service endpoint on 127.0.0.1: checks every request as AWS does — the SigV4 signature
/// recomputed independently with AWSSDK.Core's own signer, the credential scope (region, service), the session
/// token and the clock skew — and answers what the test scripts (as the service documentation describes it).
/// A request with a bad signature gets AWS's 403 answer.
/// </summary>
internal sealed class FakeAwsService : IAsyncDisposable
{
    private readonly LocalHttpServer _server;
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();

    private FakeAwsService(LocalHttpServer server) => _server = server;

    public Uri Url => _server.Url;

    public IReadOnlyList<CapturedRequest> Requests => _requests.ToArray();

    public static async Task<FakeAwsService> StartAsync(
        string service,
        string region,
        TestCredentials credentials,
        Func<CapturedRequest, FakeAnswer> answer,
        TimeProvider? clock = null,
        bool queryProtocol = false)
    {
        FakeAwsService? fake = null;
        var server = await LocalHttpServer.StartAsync(async context =>
        {
            var captured = await CaptureAsync(context, service, region, credentials, clock ?? TimeProvider.System);
            fake!._requests.Enqueue(captured);
            var reply = captured.SignatureProblem is null
                ? answer(captured)
                : queryProtocol
                    ? FakeAnswer.QueryError(403, "SignatureDoesNotMatch", captured.SignatureProblem)
                    : FakeAnswer.RestJsonError(403, "InvalidSignatureException", captured.SignatureProblem);
            if (reply.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(reply.Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = reply.ContentType;
            context.Response.Headers["x-amzn-RequestId"] = reply.RequestId;
            foreach (var (name, value) in reply.Headers)
            {
                context.Response.Headers[name] = value;
            }
            await context.Response.WriteAsync(reply.Body, context.RequestAborted);
        });
        fake = new FakeAwsService(server);
        return fake;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static async Task<CapturedRequest> CaptureAsync(HttpContext context, string service, string region, TestCredentials credentials, TimeProvider clock)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var questionMark = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var query = questionMark < 0
            ? []
            : rawTarget[(questionMark + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(part => part.Split('=', 2))
                .Select(pair => new KeyValuePair<string, string>(Uri.UnescapeDataString(pair[0]), pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : ""))
                .ToList();
        var problem = SignatureProblem(request.Method, rawTarget, headers, body, service, region, credentials, clock);
        return new CapturedRequest(request.Method, questionMark < 0 ? rawTarget : rawTarget[..questionMark], query, headers, body, problem);
    }

    /// <summary>What AWS would reject in the request's authentication, or null when it would accept it.</summary>
    private static string? SignatureProblem(string method, string rawTarget, Dictionary<string, string> headers, byte[] body, string service, string region, TestCredentials credentials, TimeProvider clock)
    {
        if (AuthenticationProblem(headers, service, region, credentials, clock, out var auth) is { } problem)
        {
            return problem;
        }
        var (scope, secret, token, signedAt, signedHeaders) = (auth.AccessKey, auth.Secret, auth.Token, auth.SignedAt, auth.SignedHeaders);
        var authorization = headers["Authorization"];

        // Recompute with AWSSDK.Core's signer: it adds host, x-amz-date, x-amz-content-sha256 and the token itself.
        var signing = new AWSSigningRequest { HttpMethod = new HttpMethod(method), RequestUri = new Uri($"http://{headers["Host"]}{rawTarget}"), Content = body };
        var automatic = new[] { "Host", "X-Amz-Date", "X-Amz-Content-SHA256", "X-Amz-Security-Token" };
        foreach (var name in signedHeaders.Split(';'))
        {
            if (!automatic.Contains(name, StringComparer.OrdinalIgnoreCase) && headers.TryGetValue(name, out var value))
            {
                signing.Headers[name] = value;
            }
        }
        AWSCredentials sdkCredentials = token is null ? new BasicAWSCredentials(scope, secret) : new SessionAWSCredentials(scope, secret, token);
        var expected = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
        {
            Credentials = sdkCredentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service,
            SignedAt = signedAt,
            SignPayload = true,
        }).Headers["Authorization"];
        return expected == authorization
            ? null
            : "The request signature we calculated does not match the signature you provided.";
    }

    /// <summary>
    /// The checks AWS makes before it recomputes a signature: the Authorization header's form, the credential scope
    /// (region, service), a known access key, its session token, and the clock skew. Null when they pass.
    /// </summary>
    internal static string? AuthenticationProblem(
        IReadOnlyDictionary<string, string> headers,
        string service,
        string region,
        TestCredentials credentials,
        TimeProvider clock,
        out (string AccessKey, string Secret, string? Token, DateTime SignedAt, string SignedHeaders) auth)
    {
        auth = default;
        if (!headers.TryGetValue("Authorization", out var authorization) || !authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return "Missing Authentication Token";
        }
        var parts = authorization["AWS4-HMAC-SHA256 ".Length..].Split(", ").Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.ContainsKey("Signature"))
        {
            return "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.";
        }
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[2] != region || scope[3] != service || scope[4] != "aws4_request")
        {
            return $"Credential should be scoped to a valid region and service ({credential})";
        }
        if (!credentials.TryGetSecret(scope[0], out var secret, out var token))
        {
            return "The security token included in the request is invalid.";
        }
        headers.TryGetValue("X-Amz-Security-Token", out var sentToken);
        if (token != sentToken)
        {
            return "The security token included in the request is invalid";
        }
        if (!headers.TryGetValue("X-Amz-Date", out var amzDate)
            || !DateTime.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return "Missing or malformed X-Amz-Date";
        }
        if ((clock.GetUtcNow().UtcDateTime - signedAt).Duration() > TimeSpan.FromMinutes(15))
        {
            return "Signature expired: the request time is more than 15 minutes from the server's";
        }
        auth = (scope[0], secret, token, signedAt, signedHeaders);
        return null;
    }
}
