using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Backpack.Aws.Tests.Fakes;

/// <summary>
/// A stand-in for the EC2 instance metadata service (IMDSv2) on 127.0.0.1: a session token from
/// <c>PUT /latest/api/token</c>, required on every read; the instance identity document; the instance
/// profile's role credentials.
/// </summary>
internal sealed class FakeInstanceMetadata : IAsyncDisposable
{
    public const string SessionToken = "AQAEAFakeImdsSessionToken==";
    public const string RoleName = "backpack-device-role";
    private readonly LocalHttpServer _server;
    private readonly ConcurrentQueue<string> _requests = new();

    private FakeInstanceMetadata(LocalHttpServer server) => _server = server;

    public Uri Url => _server.Url;

    /// <summary>"METHOD path" of every request, in order.</summary>
    public IReadOnlyList<string> Requests => _requests.ToArray();

    /// <summary>Starts the service.</summary>
    /// <param name="accessKey">The role credentials' access key id.</param>
    /// <param name="secret">The role credentials' secret.</param>
    /// <param name="token">The role credentials' session token.</param>
    /// <param name="delay">How long every answer waits.</param>
    /// <param name="identityDocument">The instance identity document as sent; <see langword="null"/>: a typical one of a g5g.xlarge.</param>
    public static async Task<FakeInstanceMetadata> StartAsync(string accessKey, string secret, string token, TimeSpan? delay = null, string? identityDocument = null)
    {
        FakeInstanceMetadata? fake = null;
        var server = await LocalHttpServer.StartAsync(async context =>
        {
            var request = context.Request;
            fake!._requests.Enqueue($"{request.Method} {request.Path}");
            if (delay is { } wait)
            {
                try
                {
                    await Task.Delay(wait, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            if (request.Method == "PUT" && request.Path == "/latest/api/token")
            {
                if (!int.TryParse(request.Headers["X-aws-ec2-metadata-token-ttl-seconds"], out var ttl) || ttl is < 1 or > 21600)
                {
                    context.Response.StatusCode = 400;
                    return;
                }
                await context.Response.WriteAsync(SessionToken);
                return;
            }
            if (request.Headers["X-aws-ec2-metadata-token"] != SessionToken)
            {
                context.Response.StatusCode = 401;
                return;
            }
            var body = request.Path.Value switch
            {
                "/latest/dynamic/instance-identity/document" => identityDocument ?? JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["accountId"] = "123456789012",
                    ["architecture"] = "arm64",
                    ["availabilityZone"] = "eu-central-1b",
                    ["imageId"] = "ami-0abcdef1234567890",
                    ["instanceId"] = "i-0123456789abcdef0",
                    ["instanceType"] = "g5g.xlarge",
                    ["pendingTime"] = "2026-01-15T07:55:00Z",
                    ["privateIp"] = "10.0.1.23",
                    ["region"] = "eu-central-1",
                    ["version"] = "2017-09-30",
                }),
                "/latest/meta-data/iam/security-credentials" or "/latest/meta-data/iam/security-credentials/" => RoleName,
                "/latest/meta-data/iam/security-credentials/" + RoleName => JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["Code"] = "Success",
                    ["LastUpdated"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                    ["Type"] = "AWS-HMAC",
                    ["AccessKeyId"] = accessKey,
                    ["SecretAccessKey"] = secret,
                    ["Token"] = token,
                    ["Expiration"] = DateTime.UtcNow.AddHours(6).ToString("yyyy-MM-ddTHH:mm:ssZ"),
                }),
                "/latest/meta-data/iam/info" => JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["Code"] = "Success",
                    ["LastUpdated"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
                    ["InstanceProfileArn"] = "arn:aws:iam::123456789012:instance-profile/" + RoleName,
                    ["InstanceProfileId"] = "AIPAEXAMPLEPROFILEID",
                }),
                _ => null,
            };
            if (body is null)
            {
                context.Response.StatusCode = 404;
                return;
            }
            await context.Response.WriteAsync(body);
        });
        fake = new FakeInstanceMetadata(server);
        return fake;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
