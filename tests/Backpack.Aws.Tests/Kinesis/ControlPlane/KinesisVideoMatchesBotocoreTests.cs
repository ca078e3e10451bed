using System.Text.Json;
using System.Text.Json.Nodes;
using Backpack.Aws.Kinesis;
using Backpack.Aws.Tests.Fakes;

namespace Backpack.Aws.Tests.Kinesis.ControlPlane;

/// <summary>What the client sends, captured by the fake, against the request Debian's python3-botocore builds for the same call.</summary>
public sealed class KinesisVideoMatchesBotocoreTests
{
    private sealed record Expected(string Protocol, string SigningName, string Method, Uri Url, string ContentType, string Body);

    public static TheoryData<string> Calls() => new()
    {
        "describe", "create-defaults", "create-everything", "endpoint-put-media", "endpoint-hls", "hls-live", "hls-live-expires",
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task The_request_is_the_one_botocore_builds_for_the_same_call(string call)
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("camera_101");
        fake.Streaming["camera_101"] = true;
        using var client = new KinesisVideoClient(KinesisVideoClientTests.Options(fake.Url));
        var tags = new Dictionary<string, string> { ["site"] = "Zürich Nord", ["cost-center"] = "4711", ["note"] = "a:b/c=d+e-f@g_h.i" };
        var (service, operation, parameters, send) = call switch
        {
            "describe" => ("kinesisvideo", "describe_stream", new JsonObject { ["StreamName"] = "camera_101" },
                (Func<Task>)(() => client.DescribeStreamAsync("camera_101"))),
            "create-defaults" => ("kinesisvideo", "create_stream", new JsonObject { ["StreamName"] = "new.stream-1", ["MediaType"] = "video/h264", ["DataRetentionInHours"] = 2 },
                () => client.CreateStreamAsync("new.stream-1")),
            "create-everything" => ("kinesisvideo", "create_stream", new JsonObject
                {
                    ["StreamName"] = "new_stream", ["MediaType"] = "video/h264,audio/aac", ["DataRetentionInHours"] = 0, ["KmsKeyId"] = "arn:aws:kms:eu-west-1:123456789012:alias/video",
                    ["Tags"] = new JsonObject(tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
                },
                () => client.CreateStreamAsync("new_stream", new KinesisVideoStreamSettings
                {
                    MediaType = "video/h264,audio/aac", DataRetentionInHours = 0, KmsKeyId = "arn:aws:kms:eu-west-1:123456789012:alias/video", Tags = tags,
                })),
            "endpoint-put-media" => ("kinesisvideo", "get_data_endpoint", new JsonObject { ["StreamName"] = "camera_101", ["APIName"] = "PUT_MEDIA" },
                () => client.GetDataEndpointAsync("camera_101", KinesisVideoDataApi.PutMedia)),
            "endpoint-hls" => ("kinesisvideo", "get_data_endpoint", new JsonObject { ["StreamName"] = "camera_101", ["APIName"] = "GET_HLS_STREAMING_SESSION_URL" },
                () => client.GetDataEndpointAsync("camera_101", KinesisVideoDataApi.GetHlsStreamingSessionUrl)),
            "hls-live" => ("kinesis-video-archived-media", "get_hls_streaming_session_url", new JsonObject { ["StreamName"] = "camera_101", ["PlaybackMode"] = "LIVE" },
                () => client.GetHlsStreamingSessionUrlAsync(fake.Url, "camera_101")),
            "hls-live-expires" => ("kinesis-video-archived-media", "get_hls_streaming_session_url", new JsonObject { ["StreamName"] = "camera_101", ["PlaybackMode"] = "LIVE", ["Expires"] = 43200 },
                () => client.GetHlsStreamingSessionUrlAsync(fake.Url, "camera_101", TimeSpan.FromHours(12))),
            _ => throw new ArgumentOutOfRangeException(nameof(call)),
        };

        await send();
        var expected = Botocore(service, operation, "eu-west-1", fake.Url, parameters);

        var sent = fake.Requests.Should().ContainSingle().Subject;
        sent.SignatureProblem.Should().BeNull();
        expected.Protocol.Should().Be("rest-json");
        expected.SigningName.Should().Be("kinesisvideo", "both services sign as kinesisvideo, as the client does");
        sent.Method.Should().Be(expected.Method);
        sent.Path.Should().Be(expected.Url.AbsolutePath);
        sent.Headers["Content-Type"].Should().Be(expected.ContentType);
        var ours = JsonNode.Parse(sent.Body)!.AsObject();
        var theirs = JsonNode.Parse(expected.Body)!.AsObject();
        JsonNode.DeepEquals(ours, theirs).Should().BeTrue($"ours {ours.ToJsonString()} should be botocore's {theirs.ToJsonString()}");
        ours.Select(member => member.Key).Should().Equal(theirs.Select(member => member.Key), "the members come in the same order");
    }

    [Theory]
    [InlineData("eu-west-1")]
    [InlineData("cn-north-1")]
    public void The_public_control_plane_endpoint_is_botocores(string region)
    {
        var expected = Botocore("kinesisvideo", "describe_stream", region, null, new JsonObject { ["StreamName"] = "camera_101" });
        using var client = new KinesisVideoClient(new AwsClientOptions { Region = region, Credentials = TestCredentials.Static });

        new Uri(client.Endpoint, "describeStream").Should().Be(expected.Url);
    }

    private static Expected Botocore(string service, string operation, string region, Uri? endpoint, JsonObject parameters)
    {
        var call = new JsonObject
        {
            ["service"] = service,
            ["operation"] = operation,
            ["region"] = region,
            ["endpoint_url"] = endpoint?.GetLeftPart(UriPartial.Authority),
            ["params"] = parameters.DeepClone(),
        };
        var script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Kinesis", "ControlPlane", "botocore_kinesis_video.py"));
        using var document = JsonDocument.Parse(CloudWatch.Botocore.Run(null, call.ToJsonString(), script));
        var root = document.RootElement;
        return new Expected(
            root.GetProperty("protocol").GetString()!,
            root.GetProperty("signing_name").GetString()!,
            root.GetProperty("method").GetString()!,
            new Uri(root.GetProperty("url").GetString()!),
            root.GetProperty("content_type").GetString()!,
            root.GetProperty("body").GetString()!);
    }
}
