using System.Reflection;
using System.Text.Json;
using Backpack.Aws.Kinesis;
using Backpack.Aws.Tests.Fakes;

namespace Backpack.Aws.Tests.Kinesis.ControlPlane;

public sealed class KinesisVideoClientTests
{
    internal static AwsClientOptions Options(Uri endpoint, Amazon.Runtime.AWSCredentials? credentials = null, int maxAttempts = 3, string region = "eu-west-1") => new()
    {
        Region = region,
        EndpointUrl = endpoint,
        Credentials = credentials ?? TestCredentials.Static,
        Timeout = TimeSpan.FromSeconds(20),
        MaxAttempts = maxAttempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
    };

    [Fact]
    public async Task DescribeStream_is_a_signed_POST_of_the_stream_name_and_reads_the_stream_info_with_its_nulls()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("camera_101", retentionHours: 24, mediaType: null);
        using var client = new KinesisVideoClient(Options(fake.Url));

        var stream = await client.DescribeStreamAsync("camera_101");

        var request = fake.Requests.Should().ContainSingle().Subject;
        request.SignatureProblem.Should().BeNull();
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/describeStream");
        request.Headers["Content-Type"].Should().Be("application/json");
        request.BodyText.Should().Be("""{"StreamName":"camera_101"}""");
        request.Headers["Authorization"].Should().Contain("/eu-west-1/kinesisvideo/aws4_request");
        stream.Should().Be(new KinesisVideoStreamInfo(
            "camera_101",
            $"arn:aws:kinesisvideo:eu-west-1:{FakeKinesisVideoControlPlane.Account}:stream/camera_101/1705489836421",
            KinesisVideoStreamStatus.Active,
            24,
            null,
            $"arn:aws:kms:eu-west-1:{FakeKinesisVideoControlPlane.Account}:alias/aws/kinesisvideo",
            null,
            "davN9FKg4vjyKdCSs0f4",
            new DateTimeOffset(2024, 1, 17, 11, 10, 36, 421, TimeSpan.Zero)));
        stream.PersistsMedia.Should().BeTrue();
    }

    [Theory]
    [InlineData("CREATING", KinesisVideoStreamStatus.Creating)]
    [InlineData("UPDATING", KinesisVideoStreamStatus.Updating)]
    [InlineData("DELETING", KinesisVideoStreamStatus.Deleting)]
    [InlineData("ARCHIVED_SOMEDAY", KinesisVideoStreamStatus.Unknown)]
    public void Every_status_is_read_and_one_it_does_not_know_is_Unknown(string wire, KinesisVideoStreamStatus status)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { StreamInfo = new { Status = wire, DataRetentionInHours = 0 } });

        var stream = KinesisVideoWire.ParseDescribeStream(body, "asked-for");

        stream.Status.Should().Be(status);
        stream.StreamName.Should().Be("asked-for", "a name the answer leaves out is the one asked for");
        stream.PersistsMedia.Should().BeFalse();
        stream.CreationTime.Should().BeNull();
    }

    [Fact]
    public async Task CreateStream_sends_the_name_media_type_retention_key_and_tags_and_returns_the_ARN()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        using var client = new KinesisVideoClient(Options(fake.Url));

        var arn = await client.CreateStreamAsync("dock-3", new KinesisVideoStreamSettings
        {
            DataRetentionInHours = 48,
            KmsKeyId = "alias/backpack-video",
            Tags = new Dictionary<string, string> { ["site"] = "Zürich Nord", ["line"] = "3" },
        });

        var request = fake.Requests.Should().ContainSingle().Subject;
        request.SignatureProblem.Should().BeNull();
        request.Path.Should().Be("/createStream");
        using var body = JsonDocument.Parse(request.Body);
        body.RootElement.EnumerateObject().Select(p => p.Name).Should().Equal("StreamName", "MediaType", "DataRetentionInHours", "KmsKeyId", "Tags");
        body.RootElement.GetProperty("StreamName").GetString().Should().Be("dock-3");
        body.RootElement.GetProperty("MediaType").GetString().Should().Be("video/h264");
        body.RootElement.GetProperty("DataRetentionInHours").GetInt32().Should().Be(48);
        body.RootElement.GetProperty("KmsKeyId").GetString().Should().Be("alias/backpack-video");
        body.RootElement.GetProperty("Tags").EnumerateObject().Select(p => (p.Name, p.Value.GetString())).Should().Equal(("site", "Zürich Nord"), ("line", "3"));
        arn.Should().Be($"arn:aws:kinesisvideo:eu-west-1:{FakeKinesisVideoControlPlane.Account}:stream/dock-3/1767000000000");
        fake.StatusOf("dock-3").Should().Be("CREATING");
    }

    [Fact]
    public async Task CreateStream_without_settings_asks_for_two_hours_of_H264_with_the_services_key_and_no_tags()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        using var client = new KinesisVideoClient(Options(fake.Url));

        await client.CreateStreamAsync("dock-3");

        fake.Requests.Single().BodyText.Should().Be("""{"StreamName":"dock-3","MediaType":"video/h264","DataRetentionInHours":2}""");
    }

    [Theory]
    [InlineData(KinesisVideoDataApi.PutMedia, "PUT_MEDIA")]
    [InlineData(KinesisVideoDataApi.GetHlsStreamingSessionUrl, "GET_HLS_STREAMING_SESSION_URL")]
    public async Task GetDataEndpoint_names_the_API_and_returns_the_endpoint_without_a_path(KinesisVideoDataApi api, string wire)
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1");
        fake.DataEndpoint = _ => "https://s-0123abcd.kinesisvideo.eu-west-1.amazonaws.com";
        using var client = new KinesisVideoClient(Options(fake.Url));

        var endpoint = await client.GetDataEndpointAsync("cam-1", api);

        var request = fake.Requests.Should().ContainSingle().Subject;
        request.SignatureProblem.Should().BeNull();
        request.Path.Should().Be("/getDataEndpoint");
        request.BodyText.Should().Be($$"""{"StreamName":"cam-1","APIName":"{{wire}}"}""");
        endpoint.Should().Be(new Uri("https://s-0123abcd.kinesisvideo.eu-west-1.amazonaws.com"));
    }

    [Fact]
    public async Task GetHLSStreamingSessionURL_goes_to_the_data_endpoint_not_the_control_plane_signed_for_kinesisvideo_in_LIVE_mode()
    {
        await using var control = await FakeKinesisVideoControlPlane.StartAsync();
        await using var data = await FakeKinesisVideoControlPlane.StartAsync();
        data.AddStream("cam-1");
        data.Streaming["cam-1"] = true;
        using var client = new KinesisVideoClient(Options(control.Url, TestCredentials.Session));

        var url = await client.GetHlsStreamingSessionUrlAsync(data.Url, "cam-1", TimeSpan.FromHours(1));

        control.Requests.Should().BeEmpty();
        var request = data.Requests.Should().ContainSingle().Subject;
        request.SignatureProblem.Should().BeNull();
        request.Headers["X-Amz-Security-Token"].Should().Be(TestCredentials.Token);
        request.Path.Should().Be("/getHLSStreamingSessionURL");
        request.Headers["Content-Type"].Should().Be("application/json");
        request.BodyText.Should().Be("""{"StreamName":"cam-1","PlaybackMode":"LIVE","Expires":3600}""");
        url.AbsolutePath.Should().Be("/hls/v1/getHLSMasterPlaylist.m3u8");
        url.Query.Should().StartWith("?SessionToken=");
    }

    [Fact]
    public async Task Without_an_expiry_the_services_default_applies_and_no_Expires_is_sent()
    {
        await using var data = await FakeKinesisVideoControlPlane.StartAsync();
        data.AddStream("cam-1");
        data.Streaming["cam-1"] = true;
        using var client = new KinesisVideoClient(Options(new Uri("http://127.0.0.1:9/")));

        await client.GetHlsStreamingSessionUrlAsync(data.Url, "cam-1");
        await client.GetHlsStreamingSessionUrlAsync(data.Url, "cam-1", TimeSpan.FromSeconds(300));

        data.Requests.Select(r => r.BodyText).Should().Equal(
            """{"StreamName":"cam-1","PlaybackMode":"LIVE"}""",
            """{"StreamName":"cam-1","PlaybackMode":"LIVE","Expires":300}""");
    }

    public static TheoryData<string, string> Operations() => new()
    {
        { "DescribeStream", "kinesisvideo:DescribeStream" },
        { "CreateStream", "kinesisvideo:CreateStream" },
        { "GetDataEndpoint", "kinesisvideo:GetDataEndpoint" },
        { "GetHLSStreamingSessionURL", "kinesisvideo:GetHLSStreamingSessionURL" },
    };

    private static Task Call(KinesisVideoClient client, string operation, string stream, Uri dataEndpoint) => operation switch
    {
        "DescribeStream" => client.DescribeStreamAsync(stream),
        "CreateStream" => client.CreateStreamAsync(stream),
        "GetDataEndpoint" => client.GetDataEndpointAsync(stream, KinesisVideoDataApi.PutMedia),
        _ => client.GetHlsStreamingSessionUrlAsync(dataEndpoint, stream),
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_denied_operation_names_the_stream_the_region_and_the_IAM_action_to_grant_and_is_not_retried(string operation, string action)
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync("ap-southeast-2");
        fake.AddStream("cam-1");
        fake.Streaming["cam-1"] = true;
        fake.Denied[operation] = true;
        using var client = new KinesisVideoClient(Options(fake.Url, region: "ap-southeast-2"));

        var call = () => Call(client, operation, operation == "CreateStream" ? "cam-2" : "cam-1", fake.Url);

        var error = (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Subject.Single();
        error.Problem.Should().Be(KinesisVideoStreamProblem.AccessDenied);
        error.IamAction.Should().Be(action);
        error.Region.Should().Be("ap-southeast-2");
        error.Message.Should().Contain("Grant the IAM action " + action)
            .And.Contain("in region ap-southeast-2")
            .And.Contain("AccessDeniedException (HTTP 403)")
            .And.Contain("is not authorized to perform: " + action)
            .And.Contain("[request id ");
        error.InnerException.Should().BeOfType<AwsServiceException>().Which.Operation.Should().Be(operation);
        fake.Requests.Should().ContainSingle("a refusal is not worth retrying");
    }

    [Theory]
    [InlineData(401, "NotAuthorizedException", """{"Message":"The caller is not authorized."}""", "application/json")]
    [InlineData(403, null, "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n", "application/xml")]
    [InlineData(403, null, "", "application/json")]
    public async Task NotAuthorized_and_a_403_without_a_code_are_refusals_too(int status, string? errorType, string body, string contentType)
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.Override = _ => new FakeAnswer(status, body, contentType)
        {
            Headers = errorType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["x-amzn-ErrorType"] = errorType + ":" },
        };
        using var client = new KinesisVideoClient(Options(fake.Url));

        var call = () => client.DescribeStreamAsync("cam-1");

        var error = (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Subject.Single();
        error.Problem.Should().Be(KinesisVideoStreamProblem.AccessDenied);
        error.Message.Should().Contain("kinesisvideo:DescribeStream").And.Contain("\"cam-1\"").And.Contain("eu-west-1");
    }

    [Fact]
    public async Task A_refused_signature_is_about_the_credentials_and_stays_the_services_error()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        using var client = new KinesisVideoClient(Options(fake.Url, new Amazon.Runtime.BasicAWSCredentials("AKIDBACKPACKTEST0001", "not-the-secret")));

        var call = () => client.DescribeStreamAsync("cam-1");

        var error = (await call.Should().ThrowAsync<AwsServiceException>()).Subject.Single();
        error.ErrorCode.Should().Be("InvalidSignatureException");
        error.Message.Should().NotContain("Grant the IAM action");
    }

    [Theory]
    [InlineData("DescribeStream")]
    [InlineData("GetDataEndpoint")]
    public async Task A_missing_stream_is_named_with_its_region(string operation)
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        using var client = new KinesisVideoClient(Options(fake.Url));

        var call = () => Call(client, operation, "no-such-stream", fake.Url);

        var error = (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Subject.Single();
        error.Problem.Should().Be(KinesisVideoStreamProblem.NotFound);
        error.StreamName.Should().Be("no-such-stream");
        error.Operation.Should().Be(operation);
        error.Message.Should().StartWith("Kinesis video stream \"no-such-stream\" in region eu-west-1 does not exist")
            .And.Contain("ResourceNotFoundException (HTTP 404): The requested stream is not found or not active.")
            .And.Contain("check the name and the region");
        fake.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task No_recent_fragment_for_HLS_says_that_nothing_is_streaming()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1");
        using var client = new KinesisVideoClient(Options(fake.Url));

        var call = () => client.GetHlsStreamingSessionUrlAsync(fake.Url, "cam-1");

        var error = (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Subject.Single();
        error.Problem.Should().Be(KinesisVideoStreamProblem.NoRecentMedia);
        error.Message.Should().Contain("no media from the last 30 seconds").And.Contain("backpack demo --kvs-stream cam-1");
    }

    [Fact]
    public async Task A_stream_without_retention_cannot_be_played_and_says_how_to_fix_it()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1", retentionHours: 0);
        fake.Streaming["cam-1"] = true;
        using var client = new KinesisVideoClient(Options(fake.Url));

        var call = () => client.GetHlsStreamingSessionUrlAsync(fake.Url, "cam-1");

        var error = (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Subject.Single();
        error.Problem.Should().Be(KinesisVideoStreamProblem.NoDataRetention);
        error.Message.Should().Contain("0 hours of retention").And.Contain("update-data-retention");
    }

    [Fact]
    public async Task The_error_type_is_also_read_from_the_x_amz_ErrorType_header_the_archived_media_reference_names()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.Override = _ => new FakeAnswer(400, """{"Message":"The stream does not retain data."}""")
        {
            Headers = new Dictionary<string, string> { ["x-amz-ErrorType"] = "NoDataRetentionException:" },
        };
        using var client = new KinesisVideoClient(Options(fake.Url));

        var call = () => client.GetHlsStreamingSessionUrlAsync(fake.Url, "cam-1");

        (await call.Should().ThrowAsync<KinesisVideoStreamException>()).Which.Problem.Should().Be(KinesisVideoStreamProblem.NoDataRetention);
    }

    [Fact]
    public async Task Other_refusals_stay_the_services_errors_with_code_and_message()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1");
        using var client = new KinesisVideoClient(Options(fake.Url));

        var call = () => client.CreateStreamAsync("cam-1");

        var error = (await call.Should().ThrowAsync<AwsServiceException>()).Subject.Single();
        error.ErrorCode.Should().Be("ResourceInUseException");
        error.StatusCode.Should().Be(400);
        error.Message.Should().Contain("The stream cam-1 already exists.");
    }

    [Fact]
    public async Task Throttling_with_ClientLimitExceededException_is_retried_until_the_service_answers()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.AddStream("cam-1");
        var calls = 0;
        fake.Override = _ => Interlocked.Increment(ref calls) <= 2
            ? FakeKinesisVideoControlPlane.Error(400, "ClientLimitExceededException", "Kinesis Video Streams has throttled the request because you have exceeded the limit of allowed client calls.")
            : null;
        using var client = new KinesisVideoClient(Options(fake.Url, maxAttempts: 3));

        var stream = await client.DescribeStreamAsync("cam-1");

        stream.Status.Should().Be(KinesisVideoStreamStatus.Active);
        fake.Requests.Should().HaveCount(3).And.OnlyContain(r => r.SignatureProblem == null);
    }

    [Fact]
    public async Task Server_errors_are_retried_a_bounded_number_of_times()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.Override = _ => FakeKinesisVideoControlPlane.Error(500, "InternalFailure", "boom");
        using var client = new KinesisVideoClient(Options(fake.Url, maxAttempts: 2));

        var call = () => client.GetDataEndpointAsync("cam-1", KinesisVideoDataApi.PutMedia);

        (await call.Should().ThrowAsync<AwsServiceException>()).Which.ErrorCode.Should().Be("InternalFailure");
        fake.Requests.Should().HaveCount(2);
    }

    [Theory]
    [InlineData("/describeStream", """{"Stream":{}}""", "no StreamInfo")]
    [InlineData("/describeStream", """{"StreamInfo":{"StreamName":"cam-1"}}""", "no Status")]
    [InlineData("/describeStream", """{"StreamInfo":{"Status":"ACTIVE","DataRetentionInHours":"24"}}""", "DataRetentionInHours is not a whole number")]
    [InlineData("/getDataEndpoint", """{"DataEndpoint":"s-0123.kinesisvideo.eu-west-1.amazonaws.com"}""", "DataEndpoint is not an absolute http or https URL")]
    [InlineData("/getDataEndpoint", """{}""", "no DataEndpoint")]
    [InlineData("/getDataEndpoint", """[]""", "expected a JSON object")]
    [InlineData("/getHLSStreamingSessionURL", """{"HLSStreamingSessionURL":null}""", "no HLSStreamingSessionURL")]
    [InlineData("/createStream", """{not json""", "not JSON")]
    public async Task An_answer_that_is_not_the_documented_shape_is_a_MalformedResponse_saying_what_is_wrong(string path, string answer, string problem)
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        fake.Override = _ => FakeAnswer.Json(answer);
        using var client = new KinesisVideoClient(Options(fake.Url));
        Func<Task> call = path switch
        {
            "/describeStream" => () => client.DescribeStreamAsync("cam-1"),
            "/getDataEndpoint" => () => client.GetDataEndpointAsync("cam-1", KinesisVideoDataApi.PutMedia),
            "/createStream" => () => client.CreateStreamAsync("cam-1"),
            _ => () => client.GetHlsStreamingSessionUrlAsync(fake.Url, "cam-1"),
        };

        var error = (await call.Should().ThrowAsync<AwsServiceException>()).Subject.Single();
        error.ErrorCode.Should().Be("MalformedResponse");
        error.StatusCode.Should().Be(200);
        error.Message.Should().Contain(problem);
        fake.Requests.Single().Path.Should().Be(path);
    }

    [Theory]
    [InlineData("")]
    [InlineData("cam 1")]
    [InlineData("cam/1")]
    [InlineData("kamera-ä")]
    [InlineData("cam-1\n")]
    public async Task A_stream_name_the_service_would_refuse_is_refused_before_any_call(string name)
    {
        using var client = new KinesisVideoClient(Options(new Uri("http://127.0.0.1:9/")));

        var describe = () => client.DescribeStreamAsync(name);
        var create = () => client.CreateStreamAsync(name);
        var endpoint = () => client.GetDataEndpointAsync(name, KinesisVideoDataApi.PutMedia);
        var hls = () => client.GetHlsStreamingSessionUrlAsync(new Uri("https://s-1.kinesisvideo.eu-west-1.amazonaws.com"), name);

        foreach (var call in new[] { describe, create, endpoint, (Func<Task>)hls })
        {
            (await call.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("1 to 256 letters, digits, '_', '.' or '-'");
        }
    }

    [Fact]
    public async Task A_name_of_256_characters_is_accepted_and_one_of_257_is_not()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        using var client = new KinesisVideoClient(Options(fake.Url));

        var longest = () => client.DescribeStreamAsync(new string('a', 256));
        var tooLong = () => client.DescribeStreamAsync(new string('a', 257));

        await longest.Should().ThrowAsync<KinesisVideoStreamException>("the service is asked and has no such stream");
        await tooLong.Should().ThrowAsync<ArgumentException>();
        fake.Requests.Should().ContainSingle();
    }

    public static TheoryData<string, KinesisVideoStreamSettings> BadSettings() => new()
    {
        { "DataRetentionInHours must be 0 or more", new KinesisVideoStreamSettings { DataRetentionInHours = -1 } },
        { "KmsKeyId must be", new KinesisVideoStreamSettings { KmsKeyId = "" } },
        { "KmsKeyId must be", new KinesisVideoStreamSettings { KmsKeyId = new string('k', 2049) } },
        { "MediaType must be type/subtype", new KinesisVideoStreamSettings { MediaType = "h264" } },
        { "MediaType must be type/subtype", new KinesisVideoStreamSettings { MediaType = "video/h264," } },
        { "Tags must hold 1 to 50 tags", new KinesisVideoStreamSettings { Tags = new Dictionary<string, string>() } },
        { "Tags must hold 1 to 50 tags", new KinesisVideoStreamSettings { Tags = Enumerable.Range(0, 51).ToDictionary(i => "k" + i, i => "v") } },
        { "The tag \"a;b\"=\"v\" is invalid", new KinesisVideoStreamSettings { Tags = new Dictionary<string, string> { ["a;b"] = "v" } } },
        { "The tag \"\"=\"v\" is invalid", new KinesisVideoStreamSettings { Tags = new Dictionary<string, string> { [""] = "v" } } },
        { "is invalid", new KinesisVideoStreamSettings { Tags = new Dictionary<string, string> { ["k"] = new string('v', 257) } } },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Settings_the_service_would_refuse_are_refused_before_any_call_saying_what_is_expected(string message, KinesisVideoStreamSettings settings)
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        using var client = new KinesisVideoClient(Options(fake.Url));

        var call = () => client.CreateStreamAsync("cam-1", settings);

        (await call.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain(message);
        fake.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Settings_at_the_services_limits_are_sent()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        using var client = new KinesisVideoClient(Options(fake.Url));

        await client.CreateStreamAsync("cam-1", new KinesisVideoStreamSettings
        {
            DataRetentionInHours = 0,
            KmsKeyId = new string('k', 2048),
            MediaType = "video/h264,audio/aac",
            Tags = Enumerable.Range(0, 50).ToDictionary(i => "key:/=+-@_." + i, i => i == 0 ? "" : new string('v', 256)),
        });

        fake.Requests.Should().ContainSingle().Which.Path.Should().Be("/createStream");
    }

    [Theory]
    [InlineData(299.0)]
    [InlineData(43201.0)]
    [InlineData(300.5)]
    public async Task An_HLS_expiry_outside_5_minutes_to_12_hours_in_whole_seconds_is_refused(double seconds)
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync();
        using var client = new KinesisVideoClient(Options(fake.Url));

        var call = () => client.GetHlsStreamingSessionUrlAsync(fake.Url, "cam-1", TimeSpan.FromSeconds(seconds));

        (await call.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.Message.Should().Contain("300 to 43200 whole seconds");
        fake.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("s-0123.kinesisvideo.eu-west-1.amazonaws.com")]
    [InlineData("ftp://s-0123.kinesisvideo.eu-west-1.amazonaws.com")]
    public async Task A_data_endpoint_that_is_not_an_absolute_http_URL_is_refused(string endpoint)
    {
        using var client = new KinesisVideoClient(Options(new Uri("http://127.0.0.1:9/")));

        var call = () => client.GetHlsStreamingSessionUrlAsync(new Uri(endpoint, UriKind.RelativeOrAbsolute), "cam-1");

        (await call.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("dataEndpoint");
    }

    [Fact]
    public void The_public_endpoint_is_the_regional_kinesisvideo_host()
    {
        using var client = new KinesisVideoClient(new AwsClientOptions { Region = "us-west-2", Credentials = TestCredentials.Static });

        client.Endpoint.Should().Be(new Uri("https://kinesisvideo.us-west-2.amazonaws.com"));
        client.Region.Should().Be("us-west-2");
    }

    [Fact]
    public void The_options_of_a_data_endpoint_keep_every_other_setting_of_the_clients()
    {
        var original = new AwsClientOptions
        {
            Region = "eu-west-1",
            EndpointUrl = new Uri("https://vpce-1.kinesisvideo.eu-west-1.vpce.amazonaws.com"),
            Credentials = TestCredentials.Session,
            Timeout = TimeSpan.FromSeconds(7),
            MaxAttempts = 5,
            RetryBaseDelay = TimeSpan.FromMilliseconds(3),
            MaxRetryDelay = TimeSpan.FromSeconds(4),
            ConnectTimeout = TimeSpan.FromSeconds(2),
            TimeProvider = new ManualClock(),
            LoggerFactory = new CapturingLoggerFactory(),
        };
        var dataEndpoint = new Uri("https://s-0123.kinesisvideo.eu-west-1.amazonaws.com");

        var copy = KinesisVideoClient.WithEndpoint(original, "eu-west-1", dataEndpoint);

        copy.EndpointUrl.Should().Be(dataEndpoint);
        // Every property, internal ones included, so that a setting added to AwsClientOptions later is not forgotten here.
        foreach (var property in typeof(AwsClientOptions).GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Where(p => p.Name != nameof(AwsClientOptions.EndpointUrl)))
        {
            property.GetValue(copy).Should().Be(property.GetValue(original), property.Name);
        }
    }

    [Fact]
    public async Task After_Dispose_an_HLS_call_is_refused()
    {
        var client = new KinesisVideoClient(Options(new Uri("http://127.0.0.1:9/")));
        client.Dispose();
        client.Dispose();

        var call = () => client.GetHlsStreamingSessionUrlAsync(new Uri("https://s-1.kinesisvideo.eu-west-1.amazonaws.com"), "cam-1");

        await call.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public void The_exception_refuses_an_empty_stream_region_or_operation()
    {
        var noStream = () => new KinesisVideoStreamException(KinesisVideoStreamProblem.NotFound, "", "eu-west-1", "DescribeStream");
        var noRegion = () => new KinesisVideoStreamException(KinesisVideoStreamProblem.NotFound, "cam-1", "", "DescribeStream");
        var noOperation = () => new KinesisVideoStreamException(KinesisVideoStreamProblem.NotFound, "cam-1", "eu-west-1", "");

        noStream.Should().Throw<ArgumentException>();
        noRegion.Should().Throw<ArgumentException>();
        noOperation.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_producer_can_report_a_refused_PutMedia_with_the_same_message()
    {
        var error = new KinesisVideoStreamException(KinesisVideoStreamProblem.AccessDenied, "cam-1", "eu-west-1", "PutMedia");

        error.IamAction.Should().Be("kinesisvideo:PutMedia");
        error.Message.Should().Be(
            "The AWS credentials in use may not call kinesisvideo:PutMedia on Kinesis video stream \"cam-1\" in region eu-west-1. " +
            "Grant the IAM action kinesisvideo:PutMedia on arn:aws:kinesisvideo:eu-west-1:<account>:stream/cam-1/* to the role or user, " +
            "or renew the credentials if their session has expired.");
    }
}
