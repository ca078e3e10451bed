using Amazon.Runtime;
using Backpack.Aws.Kinesis;
using Backpack.Aws.Kinesis.KvsSink;
using Backpack.Streaming.Runtime;
using FluentAssertions;

namespace Backpack.Aws.Tests.Kinesis.Output;

/// <summary>KvsSkyLine's kvssink mode where kvssink is not installed (as on this machine and most others).</summary>
public sealed class KvsSkyLineKvsSinkModeTests
{
    [Fact]
    public async Task Without_kvssink_installed_the_kvssink_mode_is_a_clear_error_at_construction_that_says_where_kvssink_comes_from()
    {
        await using var credentials = new KvsInlineCredentialsHandler(new BasicAWSCredentials("AKIDKVSSINKMODE00001", "kvssink/mode/secret/never/shown"));
        await credentials.StartAsync();
        var builder = new KvsSinkDescriptionBuilder("dock-3", "eu-west-1") { Credentials = credentials, StorageSizeMegabytes = 64 };

        var create = () => new KvsSkyLine(builder);

        var error = create.Should().Throw<GStreamerUnavailableException>().Which;
        error.Message.Should().Contain("kvssink").And.Contain("amazon-kinesis-video-streams-producer-sdk-cpp");
        error.Message.Should().NotContain("kvssink/mode/secret/never/shown");
    }

    [Fact]
    public void The_managed_mode_needs_no_kvssink_and_says_so()
    {
        using var skyLine = new KvsSkyLine(new KvsOutputOptions { StreamName = "dock-3", Region = "eu-west-1", Credentials = new BasicAWSCredentials("AKIDKVSSINKMODE00001", "secret/never/shown") });

        skyLine.UsesKvsSink.Should().BeFalse();
        skyLine.Output.Should().NotBeNull();
        skyLine.ToString().Should().Contain("managed PutMedia to dock-3 (eu-west-1)").And.NotContain("secret/never/shown");
    }
}
