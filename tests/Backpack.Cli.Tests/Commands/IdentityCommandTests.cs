using Backpack.Aws.Tests;
using Backpack.Aws.Tests.Fakes;
using Backpack.Aws.Tests.Panorama;
using Backpack.Cli.Commands;

namespace Backpack.Cli.Tests.Commands;

public sealed class IdentityCommandTests
{
    /// <summary>A child environment that never reaches a real AWS endpoint or profile (empty shared files: a missing one means ~/.aws).</summary>
    private static Dictionary<string, string?> Isolated(Dictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["AWS_SHARED_CREDENTIALS_FILE"] = TestEnvironment.SharedCredentialsFile,
            ["AWS_CONFIG_FILE"] = TestEnvironment.SharedConfigFile,
            ["AWS_PROFILE"] = null,
            ["AWS_ACCESS_KEY_ID"] = null,
            ["AWS_SECRET_ACCESS_KEY"] = null,
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_REGION"] = null,
            ["AWS_DEFAULT_REGION"] = null,
            ["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = null,
            ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = null,
            ["AppGraph_Uid"] = null,
            ["AWS_IOT_THING_NAME"] = null,
        };
        foreach (var (name, value) in extra ?? [])
        {
            environment[name] = value;
        }
        return environment;
    }

    [Fact]
    public async Task With_AppGraph_Uid_it_asks_Panorama_and_prints_the_AutoIdentity_block()
    {
        const string id = "applicationInstance-0123456789abcdefghijklmn";
        await using var panorama = await FakeAwsService.StartAsync("panorama", "eu-west-1", TestCredentials.Default,
            request => request.QueryValue("nextToken") is null
                ? PanoramaAnswers.Page([PanoramaAnswers.Instance("applicationInstance-other")], "token-2")
                : PanoramaAnswers.Page([PanoramaAnswers.Instance(id)]));

        var result = BackpackProcess.Run(["identity", "--region", "eu-west-1", "--endpoint-url", panorama.Url.ToString()], Isolated(new()
        {
            ["AppGraph_Uid"] = id,
            ["AWS_ACCESS_KEY_ID"] = "AKIDBACKPACKTEST0001",
            ["AWS_SECRET_ACCESS_KEY"] = TestCredentials.Secret,
        }));

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().StartWith("source: panorama\n<AutoIdentity\n")
            .And.Contain($"    application_instance_id=\"{id}\"\n")
            .And.Contain("    device_id=\"device-0123456789abcdefghijklmn\"\n")
            .And.Contain("    application_tags={\"foo\": \"bar\"}\n");
        panorama.Requests.Should().HaveCount(2).And.OnlyContain(request => request.SignatureProblem == null);
        result.Output.Should().NotContain(TestCredentials.Secret);
        result.Error.Should().NotContain(TestCredentials.Secret);
    }

    [Fact]
    public void Off_AWS_it_prints_the_host_identity_and_the_sources_it_skipped()
    {
        var result = BackpackProcess.Run(["identity"], Isolated());

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().StartWith("source: host\n<Identity\n    source=\"host\"\n").And.Contain($"host_name=\"{Environment.MachineName}\"");
        result.Error.Should().Contain("skipped panorama: AppGraph_Uid is not set")
            .And.Contain("skipped greengrass: AWS_IOT_THING_NAME is not set")
            .And.Contain("skipped ec2: disabled by AWS_EC2_METADATA_DISABLED=true");
    }

    [Fact]
    public void On_Greengrass_the_thing_name_is_the_identity()
    {
        var result = BackpackProcess.Run(["identity"], Isolated(new() { ["AWS_IOT_THING_NAME"] = "line-3-core", ["AWS_REGION"] = "eu-central-1" }));

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().StartWith("source: greengrass\n").And.Contain("device_id=\"line-3-core\"").And.Contain("region=\"eu-central-1\"");
    }

    [Theory]
    [InlineData("--region", "Mars-1", "\"Mars-1\" is not an AWS region name")]
    [InlineData("--endpoint-url", "not a url", "--endpoint-url \"not a url\" is not an absolute http or https URL")]
    public void A_malformed_option_exits_1_with_the_reason(string option, string value, string message)
    {
        var result = BackpackProcess.Run(["identity", option, value], Isolated());

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain(message).And.NotContain("(Parameter");
        result.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task When_the_identity_cannot_be_printed_it_says_why_on_stderr_and_exits_1()
    {
        var error = new StringWriter();

        var exitCode = await IdentityCommand.RunAsync(null, null, new BrokenPipeWriter(), error, CancellationToken.None);

        exitCode.Should().Be(1);
        error.ToString().Should().Contain("IOException: Broken pipe");
    }

    [Fact]
    public async Task Cancelled_it_says_so_on_stderr_and_exits_1()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var exitCode = await IdentityCommand.RunAsync(null, null, output, error, cancellation.Token);

        exitCode.Should().Be(1);
        error.ToString().Should().Contain("Cancelled");
        output.ToString().Should().BeEmpty();
    }

    /// <summary>Standard output closed by the reader, as when piped into <c>head</c> that has exited.</summary>
    private sealed class BrokenPipeWriter : StringWriter
    {
        public override Task WriteLineAsync(string? value) => throw new IOException("Broken pipe");
    }
}
