using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Backpack.Aws.Tests.Fakes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Backpack.Aws.Tests.Iot;

/// <summary>
/// The AWS IoT credentials provider on 127.0.0.1 (reference iot-credentials.md §2): HTTPS that requires a client
/// certificate issued by the test CA (others fail the TLS handshake), <c>GET /role-aliases/{alias}/credentials</c> with
/// <c>x-amzn-iot-thingname</c> naming a thing attached to that certificate, else 403
/// <c>{"message":"Invalid thing name passed"}</c>; 200 with the documented credentials JSON, the expiration as
/// <c>YYYY-MM-DDTHH:mm:SSZ</c>. The keys it issues are added, with their expiry, to the <see cref="TestCredentials"/>
/// a local AWS endpoint checks, so they sign real requests there.
/// </summary>
internal sealed class LocalIotCredentialsEndpoint : IAsyncDisposable
{
    private readonly LocalHttpServer _server;
    private readonly ConcurrentDictionary<string, string> _thingsByThumbprint = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<IotCredentialsRequest> _requests = new();
    private readonly TimeProvider _clock;
    private readonly TestCredentials _issuedTo;
    private int _issued;
    private int _failCalls;

    private LocalIotCredentialsEndpoint(LocalHttpServer server, TimeProvider clock, TestCredentials issuedTo)
    {
        _server = server;
        _clock = clock;
        _issuedTo = issuedTo;
    }

    /// <summary><c>localhost:port</c>, as a credentials endpoint is configured (no scheme).</summary>
    public string Endpoint => $"localhost:{_server.Url.Port}";

    /// <summary>The role aliases that exist.</summary>
    public ConcurrentDictionary<string, bool> RoleAliases { get; } = new(StringComparer.Ordinal) { ["BackpackRole"] = true };

    /// <summary>How long the credentials it issues last (the role alias's credentialDurationSeconds). Default 1 h.</summary>
    public TimeSpan CredentialDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Every request that passed the TLS handshake, in order.</summary>
    public IReadOnlyList<IotCredentialsRequest> Requests => _requests.ToArray();

    /// <summary>The secret keys and tokens issued, for leak scans.</summary>
    public ConcurrentBag<string> IssuedSecrets { get; } = [];

    public static async Task<LocalIotCredentialsEndpoint> StartAsync(TestPki pki, TimeProvider? clock = null, TestCredentials? issuedTo = null)
    {
        LocalIotCredentialsEndpoint? endpoint = null;
        var serverCertificate = pki.IssueServerCertificate();
        var server = await LocalHttpServer.StartAsync(
            context => endpoint!.HandleAsync(context),
            listen: listen => listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, _, _) => pki.Issued(certificate),
            }));
        endpoint = new LocalIotCredentialsEndpoint(server, clock ?? TimeProvider.System, issuedTo ?? TestCredentials.Default);
        return endpoint;
    }

    /// <summary>Attaches <paramref name="certificate"/> to <paramref name="thing"/>.</summary>
    public void Attach(X509Certificate2 certificate, string thing) => _thingsByThumbprint[certificate.Thumbprint] = thing;

    /// <summary>The next <paramref name="calls"/> requests get 500 InternalFailure.</summary>
    public void FailNextCalls(int calls) => Interlocked.Exchange(ref _failCalls, calls);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate!;
        var thing = context.Request.Headers["x-amzn-iot-thingname"].ToString();
        var path = context.Request.Path.Value ?? string.Empty;
        var (status, body) = Answer(context.Request.Method, path, certificate, thing);
        _requests.Enqueue(new IotCredentialsRequest(path, thing, certificate.Subject, status, _clock.GetUtcNow()));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private (int Status, string Body) Answer(string method, string path, X509Certificate2 certificate, string thing)
    {
        const string prefix = "/role-aliases/";
        const string suffix = "/credentials";
        if (method != "GET" || !path.StartsWith(prefix, StringComparison.Ordinal) || !path.EndsWith(suffix, StringComparison.Ordinal))
        {
            return (404, """{"message":"Not Found"}""");
        }
        if (Interlocked.Decrement(ref _failCalls) >= 0)
        {
            return (500, """{"message":"Internal failure"}""");
        }
        Interlocked.Exchange(ref _failCalls, 0);
        if (!_thingsByThumbprint.TryGetValue(certificate.Thumbprint, out var attached) || attached != thing)
        {
            return (403, """{"message":"Invalid thing name passed"}""");
        }
        var alias = Uri.UnescapeDataString(path[prefix.Length..^suffix.Length]);
        if (!RoleAliases.ContainsKey(alias))
        {
            // Not documented (reference §2: no stored source shows this body); the service refuses an unknown alias.
            return (404, """{"message":"Role alias does not exist"}""");
        }
        var number = Interlocked.Increment(ref _issued);
        var accessKey = $"ASIAIOTBACKPACK{number:D5}";
        var secret = $"IoTsEcReT/{number}/{Guid.NewGuid():N}";
        var token = $"IoTToKeN//{number}//{Guid.NewGuid():N}{Guid.NewGuid():N}";
        var expiration = _clock.GetUtcNow() + CredentialDuration;
        expiration = new DateTimeOffset(expiration.Year, expiration.Month, expiration.Day, expiration.Hour, expiration.Minute, expiration.Second, TimeSpan.Zero);
        _issuedTo.Add(accessKey, secret, token, expiration);
        IssuedSecrets.Add(secret);
        IssuedSecrets.Add(token);
        return (200, JsonSerializer.Serialize(new
        {
            credentials = new
            {
                accessKeyId = accessKey,
                secretAccessKey = secret,
                sessionToken = token,
                expiration = expiration.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
        }));
    }
}

/// <summary>One request the local credentials endpoint answered.</summary>
internal sealed record IotCredentialsRequest(string Path, string ThingName, string CertificateSubject, int Status, DateTimeOffset At);
