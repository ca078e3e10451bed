using System.Text.Json;
using Backpack.Aws.Tests;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Kinesis.ControlPlane;
using Backpack.Cli.Commands;

namespace Backpack.Cli.Tests.Commands;

public sealed class KvsUrlCommandTests
{
    /// <summary>A child environment that never reaches a real AWS endpoint or profile, with the given credentials.</summary>
    private static Dictionary<string, string?> Isolated(bool withCredentials = true) => new()
    {
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_SHARED_CREDENTIALS_FILE"] = TestEnvironment.SharedCredentialsFile,
        ["AWS_CONFIG_FILE"] = TestEnvironment.SharedConfigFile,
        ["AWS_PROFILE"] = null,
        ["AWS_ACCESS_KEY_ID"] = withCredentials ? "ASIABACKPACKTEST0002" : null,
        ["AWS_SECRET_ACCESS_KEY"] = withCredentials ? TestCredentials.Secret + "2" : null,
        ["AWS_SESSION_TOKEN"] = withCredentials ? TestCredentials.Token : null,
        ["AWS_REGION"] = null,
        ["AWS_DEFAULT_REGION"] = null,
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = null,
        ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = null,
        ["AWS_WEB_IDENTITY_TOKEN_FILE"] = null,
    };

    private static void NoStackTraceNorSecret(BackpackProcess.Result result)
    {
        (result.Output + result.Error).Should().NotContain("   at ").And.NotContain("Exception:").And.NotContain(TestCredentials.Secret).And.NotContain(TestCredentials.Token);
    }

    [Fact]
    public async Task It_asks_for_the_HLS_data_endpoint_then_a_LIVE_session_and_prints_the_URL_alone_on_stdout()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync("eu-west-1");
        fake.AddStream("dock-3");
        fake.Streaming["dock-3"] = true;

        var result = BackpackProcess.Run(["kvs-url", "--stream", "dock-3", "--region", "eu-west-1", "--endpoint-url", fake.Url.ToString(), "--expires", "3600"], Isolated());

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().MatchRegex(@"^http://127\.0\.0\.1:\d+/hls/v1/getHLSMasterPlaylist\.m3u8\?SessionToken=\S+\n$");
        result.Error.Should().Contain("\"dock-3\" in eu-west-1, valid for 3600 s").And.Contain("HLS player");
        fake.Paths.Should().Equal("/getDataEndpoint", "/getHLSStreamingSessionURL");
        fake.Requests.Should().OnlyContain(r => r.SignatureProblem == null && r.Headers["X-Amz-Security-Token"] == TestCredentials.Token);
        fake.Requests[0].BodyText.Should().Be("""{"StreamName":"dock-3","APIName":"GET_HLS_STREAMING_SESSION_URL"}""");
        fake.Requests[1].BodyText.Should().Be("""{"StreamName":"dock-3","PlaybackMode":"LIVE","Expires":3600}""");
        NoStackTraceNorSecret(result);
    }

    [Fact]
    public async Task The_data_endpoint_is_the_one_GetDataEndpoint_answers_not_the_control_plane_endpoint()
    {
        await using var control = await FakeKinesisVideoControlPlane.StartAsync("us-west-2");
        await using var data = await FakeKinesisVideoControlPlane.StartAsync("us-west-2");
        control.AddStream("cam-1");
        data.AddStream("cam-1");
        data.Streaming["cam-1"] = true;
        control.DataEndpoint = _ => data.Url.GetLeftPart(UriPartial.Authority);
        var environment = Isolated();
        environment["AWS_REGION"] = "us-west-2";

        var result = BackpackProcess.Run(["kvs-url", "--stream", "cam-1", "--endpoint-url", control.Url.ToString()], environment);

        result.ExitCode.Should().Be(0, result.Error);
        control.Paths.Should().Equal("/getDataEndpoint");
        data.Paths.Should().Equal("/getHLSStreamingSessionURL");
        data.Requests.Single().BodyText.Should().Be("""{"StreamName":"cam-1","PlaybackMode":"LIVE"}""", "without --expires the service's default applies");
        result.Error.Should().Contain("in us-west-2, valid for 300 s");
    }

    [Fact]
    public async Task A_missing_stream_exits_1_naming_the_stream_and_the_region()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync("eu-west-1");

        var result = BackpackProcess.Run(["kvs-url", "--stream", "no-such-stream", "--region", "eu-west-1", "--endpoint-url", fake.Url.ToString()], Isolated());

        result.ExitCode.Should().Be(1);
        result.Output.Should().BeEmpty();
        result.Error.Should().StartWith("backpack kvs-url: Kinesis video stream \"no-such-stream\" in region eu-west-1 does not exist")
            .And.Contain("GetDataEndpoint answered ResourceNotFoundException (HTTP 404)");
        NoStackTraceNorSecret(result);
    }

    [Theory]
    [InlineData("GetDataEndpoint")]
    [InlineData("GetHLSStreamingSessionURL")]
    public async Task A_denied_permission_exits_1_naming_the_IAM_action_to_grant(string operation)
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync("eu-west-1");
        fake.AddStream("cam-1");
        fake.Streaming["cam-1"] = true;
        fake.Denied[operation] = true;

        var result = BackpackProcess.Run(["kvs-url", "--stream", "cam-1", "--region", "eu-west-1", "--endpoint-url", fake.Url.ToString()], Isolated());

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain($"Grant the IAM action kinesisvideo:{operation} on arn:aws:kinesisvideo:eu-west-1:<account>:stream/cam-1/*");
        NoStackTraceNorSecret(result);
    }

    [Fact]
    public async Task A_stream_nobody_streams_to_exits_1_saying_so()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync("eu-west-1");
        fake.AddStream("cam-1");

        var result = BackpackProcess.Run(["kvs-url", "--stream", "cam-1", "--region", "eu-west-1", "--endpoint-url", fake.Url.ToString()], Isolated());

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("has no media from the last 30 seconds to play");
    }

    [Fact]
    public async Task Without_credentials_it_exits_1_saying_where_it_looked()
    {
        await using var fake = await FakeKinesisVideoControlPlane.StartAsync("eu-west-1");

        var result = BackpackProcess.Run(["kvs-url", "--stream", "cam-1", "--region", "eu-west-1", "--endpoint-url", fake.Url.ToString()], Isolated(withCredentials: false));

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("no AWS credentials found in the default chain");
        fake.Requests.Should().BeEmpty();
        NoStackTraceNorSecret(result);
    }

    [Theory]
    [InlineData("--expires 299", "--expires 299 is out of range; expected 300 to 43200 seconds")]
    [InlineData("--expires 43201", "--expires 43201 is out of range")]
    [InlineData("--stream cam/1", "A Kinesis video stream name has 1 to 256 letters, digits, '_', '.' or '-'; \"cam/1\" does not qualify.")]
    [InlineData("--region Mars-1", "\"Mars-1\" is not an AWS region name")]
    [InlineData("--endpoint-url nowhere", "--endpoint-url \"nowhere\" is not an absolute http or https URL")]
    [InlineData("--region -", "No AWS region: set")]
    public void A_wrong_argument_exits_2_with_what_was_expected_and_calls_nothing(string arguments, string message)
    {
        var args = new List<string> { "kvs-url", "--stream", "cam-1", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9/" };
        var (option, value) = (arguments.Split(' ')[0], arguments.Split(' ')[1]);
        var at = args.IndexOf(option);
        if (at < 0)
        {
            args.AddRange([option, value]);
        }
        else if (value == "-")
        {
            args.RemoveRange(at, 2);
        }
        else
        {
            args[at + 1] = value;
        }
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = Program.Run([.. args], output, error);

        exit.Should().Be(2, error.ToString());
        error.ToString().Should().Contain(message).And.StartWith("backpack kvs-url: ").And.NotContain("(Parameter");
        output.ToString().Should().BeEmpty();
    }

    [Theory]
    [InlineData("kvs-url")]
    [InlineData("kvs-url", "--stream", "cam-1", "--expires", "soon")]
    public void A_command_line_that_does_not_parse_is_bad_input(params string[] args)
    {
        var error = new StringWriter();

        var exit = Program.Run(args, new StringWriter(), error);

        exit.Should().Be(2);
        error.ToString().Should().NotBeEmpty();
    }

    [Fact]
    public void An_unreachable_endpoint_exits_1_naming_it()
    {
        var result = BackpackProcess.Run(["kvs-url", "--stream", "cam-1", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9/"], Isolated());

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("backpack kvs-url: kinesisvideo GetDataEndpoint could not reach http://127.0.0.1:9 in 3 attempt(s)");
        NoStackTraceNorSecret(result);
    }

    [Fact]
    public async Task Cancelled_it_says_so_and_exits_1()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var error = new StringWriter();

        var exit = await KvsUrlCommand.RunAsync("cam-1", "eu-west-1", "http://127.0.0.1:9/", null, new StringWriter(), error, cancellation.Token);

        exit.Should().Be(1);
        error.ToString().Should().Contain("cancelled");
    }

    [Fact]
    public void Help_lists_the_options_with_their_ranges()
    {
        var output = new StringWriter();

        Program.Run(["kvs-url", "--help"], output, new StringWriter()).Should().Be(0);

        output.ToString().Should().Contain("--stream").And.Contain("--region").And.Contain("--endpoint-url").And.Contain("300 to 43200 seconds");
    }
}
