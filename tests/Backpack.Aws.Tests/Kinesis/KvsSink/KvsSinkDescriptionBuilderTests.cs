using Amazon.Runtime;
using Backpack.Aws.Kinesis.KvsSink;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

public sealed class KvsSinkDescriptionBuilderTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==";

    private static async Task<KvsEnvironmentCredentialsHandler> EnvironmentHandler()
    {
        var handler = new KvsEnvironmentCredentialsHandler(
            KvsTestSupport.Environment(new() { ["AWS_ACCESS_KEY_ID"] = "AKIAIOSFODNN7EXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = Secret }), null);
        await handler.StartAsync();
        return handler;
    }

    [Fact]
    public async Task The_least_description_names_the_stream_and_the_region()
    {
        await using var credentials = await EnvironmentHandler();

        new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { Credentials = credentials }.Build()
            .Should().Be("kvssink stream-name=cam-1 aws-region=eu-west-1");
    }

    [Fact]
    public async Task Every_setting_is_written_in_kvssink_units()
    {
        await using var credentials = await EnvironmentHandler();
        var builder = new KvsSinkDescriptionBuilder("dock_1.north-2", "us-gov-west-1")
        {
            StorageSizeMegabytes = 512,
            FragmentDuration = TimeSpan.FromMilliseconds(2500),
            RetentionHours = 24,
            Credentials = credentials,
        };

        builder.Build().Should().Be(
            "kvssink stream-name=dock_1.north-2 aws-region=us-gov-west-1 storage-size=512 fragment-duration=2500 key-frame-fragmentation=false retention-period=24");
    }

    [Fact]
    public async Task Inline_keys_go_into_the_description_and_ToString_masks_them()
    {
        await using var credentials = new KvsInlineCredentialsHandler(new SessionAWSCredentials("ASIAIOSFODNN7EXAMPLE", Secret, Token));
        await credentials.StartAsync();
        var builder = new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { StorageSizeMegabytes = 64, Credentials = credentials };

        builder.Build().Should().Be(
            $"kvssink stream-name=cam-1 aws-region=eu-west-1 storage-size=64 access-key=ASIAIOSFODNN7EXAMPLE secret-key={Secret} session-token=\"{Token}\"");
        builder.ToString().Should().Be("kvssink stream-name=cam-1 aws-region=eu-west-1 storage-size=64 access-key=*** secret-key=*** session-token=***");
    }

    [Fact]
    public async Task The_file_handler_contributes_its_credential_path()
    {
        using var parent = new TemporaryDirectory("backpack kvssink tests ");
        await using var credentials = new KvsFileCredentialsHandler(new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", Secret), parent.Path, null, null, null, KvsTestSupport.CleanEnvironment);
        await credentials.StartAsync();

        var description = new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { Credentials = credentials }.Build();

        description.Should().Be($"kvssink stream-name=cam-1 aws-region=eu-west-1 credential-path=\"{credentials.FilePath}\"");
        credentials.FilePath.Should().StartWith(parent.Path + "/backpack-kvssink-").And.EndWith("/credential");
    }

    [Fact]
    public void The_iot_certificate_is_a_quoted_structure_like_the_panorama_sample_writes_it_with_string_typed_values()
    {
        var iot = new KvsIotCertificate("abc.credentials.iot.ap-southeast-1.amazonaws.com", "/panorama/certs/cam1-cert.pem",
            "/panorama/certs/cam1-private.key", "/panorama/certs/cacert.pem", "IOT_ROLE_ALIAS");
        var builder = new KvsSinkDescriptionBuilder("cam1", "ap-southeast-1") { StorageSizeMegabytes = 512, IotCertificate = iot };

        var expected = "kvssink stream-name=cam1 aws-region=ap-southeast-1 storage-size=512 iot-certificate=\"iot-certificate," +
            "endpoint=(string)abc.credentials.iot.ap-southeast-1.amazonaws.com,cert-path=(string)/panorama/certs/cam1-cert.pem," +
            "key-path=(string)/panorama/certs/cam1-private.key,ca-path=(string)/panorama/certs/cacert.pem,role-aliases=(string)IOT_ROLE_ALIAS\"";
        builder.Build().Should().Be(expected);
        builder.ToString().Should().Be(expected, "paths and names are not secrets");
    }

    [Fact]
    public void Quoted_structure_values_are_escaped_again_for_the_description()
    {
        var iot = new KvsIotCertificate("abc.credentials.iot.eu-west-1.amazonaws.com", "/my certs/c.pem", "k.key", "ca.pem", "a=b");
        new KvsSinkDescriptionBuilder("cam1", "eu-west-1") { IotCertificate = iot }.Build().Should().EndWith(
            "iot-certificate=\"iot-certificate,endpoint=(string)abc.credentials.iot.eu-west-1.amazonaws.com,cert-path=(string)\\\"/my certs/c.pem\\\"," +
            "key-path=(string)k.key,ca-path=(string)ca.pem,role-aliases=(string)\\\"a=b\\\"\"");
    }

    [Theory]
    [InlineData("", "eu-west-1", "streamName", "not a Kinesis Video stream name")]
    [InlineData("cam 1", "eu-west-1", "streamName", "letters, digits and '_', '.', '-'")]
    [InlineData("cam-1", "EU-WEST-1", "region", "not an AWS region name")]
    [InlineData("cam-1", "eu-west", "region", "not an AWS region name")]
    public void Stream_and_region_are_checked(string stream, string region, string parameter, string message)
    {
        FluentActions.Invoking(() => new KvsSinkDescriptionBuilder(stream, region))
            .Should().Throw<ArgumentException>().WithParameterName(parameter).Which.Message.Should().Contain(message);
    }

    [Fact]
    public void A_stream_name_of_257_characters_is_refused_and_256_taken()
    {
        FluentActions.Invoking(() => new KvsSinkDescriptionBuilder(new string('s', 257), "eu-west-1")).Should().Throw<ArgumentException>();
        new KvsSinkDescriptionBuilder(new string('s', 256), "eu-west-1").StreamName.Should().HaveLength(256);
        FluentActions.Invoking(() => new KvsSinkDescriptionBuilder(null!, "eu-west-1")).Should().Throw<ArgumentNullException>().WithParameterName("streamName");
    }

    [Fact]
    public void Settings_out_of_range_are_refused_with_their_unit_and_range()
    {
        var builder = new KvsSinkDescriptionBuilder("cam-1", "eu-west-1");

        FluentActions.Invoking(() => builder.StorageSizeMegabytes = 0).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName("StorageSizeMegabytes").Which.Message.Should().Contain("megabytes, 1 to 10240");
        FluentActions.Invoking(() => builder.StorageSizeMegabytes = 10241).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => builder.FragmentDuration = TimeSpan.FromMilliseconds(999)).Should().Throw<ArgumentOutOfRangeException>()
            .WithParameterName("FragmentDuration").Which.Message.Should().Contain("1 to 10 s");
        FluentActions.Invoking(() => builder.FragmentDuration = TimeSpan.FromSeconds(10.001)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => builder.FragmentDuration = TimeSpan.FromTicks(TimeSpan.TicksPerSecond * 2 + 1)).Should().Throw<ArgumentOutOfRangeException>()
            .Which.Message.Should().Contain("whole milliseconds");
        FluentActions.Invoking(() => builder.RetentionHours = -1).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("RetentionHours");
        FluentActions.Invoking(() => builder.RetentionHours = 87_601).Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should().Contain("0 to 87600 hours");

        builder.StorageSizeMegabytes = 10240;
        builder.FragmentDuration = TimeSpan.FromSeconds(10);
        builder.RetentionHours = 0;
        builder.StorageSizeMegabytes = null;
        builder.StorageSizeMegabytes.Should().BeNull("null returns to kvssink's default");
        builder.FragmentDuration.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Credentials_are_required_once_and_the_handler_must_be_started()
    {
        var iot = new KvsIotCertificate("a.credentials.iot.eu-west-1.amazonaws.com", "c", "k", "ca", "R");
        await using var unstarted = new KvsInlineCredentialsHandler(new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", Secret));

        FluentActions.Invoking(() => new KvsSinkDescriptionBuilder("cam-1", "eu-west-1").Build())
            .Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("set Credentials").And.Contain("or IotCertificate");
        FluentActions.Invoking(() => new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { Credentials = unstarted, IotCertificate = iot }.Build())
            .Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("would use only the IoT certificate");
        var builder = new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { Credentials = unstarted };
        builder.Invoking(b => b.Build()).Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("await StartAsync");
        builder.ToString().Should().Be("kvssink stream-name=cam-1 aws-region=eu-west-1 <KvsInlineCredentialsHandler not started>");

        await unstarted.StartAsync();
        builder.Build().Should().Contain("access-key=AKIAIOSFODNN7EXAMPLE");
        await unstarted.DisposeAsync();
        builder.Invoking(b => b.Build()).Should().Throw<ObjectDisposedException>();
        builder.ToString().Should().NotContain(Secret);
    }
}
