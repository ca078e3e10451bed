using Amazon.Runtime;
using Backpack.Aws.Kinesis.KvsSink;

namespace Backpack.Aws.Tests.Kinesis.KvsSink;

/// <summary>
/// GStreamer itself parses the descriptions (gst_parse_launch with fatal errors, through python3-gst), with a stand-in
/// registered as kvssink that has kvssink's property names and types: every value arrives exactly as given.
/// </summary>
public sealed class KvsSinkDescriptionParsingTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string Token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==";

    private static string AfterEncoder(KvsSinkDescriptionBuilder builder) => $"h264parse ! {KvsSinkDescriptionBuilder.InputCaps} ! {builder.Build()}";

    [Fact]
    public async Task Every_property_reaches_kvssink_with_its_value_and_type()
    {
        await using var credentials = new KvsInlineCredentialsHandler(new SessionAWSCredentials("ASIAIOSFODNN7EXAMPLE", Secret, Token));
        await credentials.StartAsync();
        var builder = new KvsSinkDescriptionBuilder("dock_1.north-2", "eu-west-1")
        {
            StorageSizeMegabytes = 512,
            FragmentDuration = TimeSpan.FromSeconds(2),
            RetentionHours = 24,
            Credentials = credentials,
        };

        var parsed = FakeKvsSink.ParseOne(AfterEncoder(builder));

        parsed.Ok.Should().BeTrue(parsed.Error);
        parsed.LinkedFrom.Should().Be("capsfilter", "kvssink's sink pad takes the AVC caps put before it");
        parsed.String("stream-name").Should().Be("dock_1.north-2");
        parsed.String("aws-region").Should().Be("eu-west-1");
        parsed.Properties!["storage-size"].GetUInt32().Should().Be(512);
        parsed.Properties["fragment-duration"].GetUInt32().Should().Be(2000);
        parsed.Properties["key-frame-fragmentation"].GetBoolean().Should().BeFalse();
        parsed.Properties["retention-period"].GetUInt32().Should().Be(24);
        parsed.String("access-key").Should().Be("ASIAIOSFODNN7EXAMPLE");
        parsed.String("secret-key").Should().Be(Secret);
        parsed.String("session-token").Should().Be(Token);
        parsed.Properties.Should().HaveCount(9);
    }

    [Fact]
    public async Task Long_term_inline_keys_set_an_empty_session_token_so_kvssink_takes_none_from_the_environment()
    {
        await using var credentials = new KvsInlineCredentialsHandler(new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", Secret));
        await credentials.StartAsync();

        var parsed = FakeKvsSink.ParseOne(new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { Credentials = credentials }.Build());

        parsed.Ok.Should().BeTrue(parsed.Error);
        parsed.String("session-token").Should().Be("", "kvssink falls back to AWS_SESSION_TOKEN only while the property keeps its default 'session_token'");
    }

    [Fact]
    public async Task A_credential_path_with_spaces_and_quotes_arrives_whole()
    {
        using var parent = new TemporaryDirectory("backpack kvssink \"quoted\" ");
        await using var credentials = new KvsFileCredentialsHandler(new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", Secret), parent.Path, null, null, null, KvsTestSupport.CleanEnvironment);
        await credentials.StartAsync();

        var parsed = FakeKvsSink.ParseOne(AfterEncoder(new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { Credentials = credentials }));

        parsed.Ok.Should().BeTrue(parsed.Error);
        parsed.String("credential-path").Should().Be(credentials.FilePath).And.Contain(" \"quoted\" ");
    }

    [Fact]
    public void The_iot_certificate_parses_as_a_structure_kvssink_accepts_even_with_awkward_values()
    {
        var iot = new KvsIotCertificate("abc.credentials.iot.eu-west-1.amazonaws.com:8443", "/my certs/cam \"1\".pem", "/keys\\ünïcode/k.key",
            "/etc/ssl/AmazonRootCA1.pem", "Role=a,b@c")
        {
            ThingName = "dock:1",
            ConnectionTimeout = TimeSpan.FromSeconds(10),
            CompletionTimeout = TimeSpan.FromSeconds(30),
        };

        var parsed = FakeKvsSink.ParseOne(AfterEncoder(new KvsSinkDescriptionBuilder("cam-1", "eu-west-1") { IotCertificate = iot }));

        parsed.Ok.Should().BeTrue(parsed.Error);
        parsed.Iot.Should().NotBeNull();
        parsed.Iot!.Name.Should().Be("iot-certificate");
        parsed.Iot.Problem.Should().BeNull("kvssink accepts only non-empty string values and exactly its keys");
        parsed.Iot.Fields.Should().OnlyContain(field => field.Type == "gchararray");
        parsed.Iot.Values.Should().Equal(new Dictionary<string, string>
        {
            ["endpoint"] = "abc.credentials.iot.eu-west-1.amazonaws.com:8443",
            ["cert-path"] = "/my certs/cam \"1\".pem",
            ["key-path"] = "/keys\\ünïcode/k.key",
            ["ca-path"] = "/etc/ssl/AmazonRootCA1.pem",
            ["role-aliases"] = "Role=a,b@c",
            ["iot-thing-name"] = "dock:1",
            ["connection-timeout"] = "10",
            ["completion-timeout"] = "30",
        });
    }

    [Fact]
    public void The_check_sees_what_kvssink_refuses_a_bare_number_is_an_int()
    {
        // What the string-typed values avoid: the same structure written by hand with connection-timeout=10.
        var parsed = FakeKvsSink.ParseOne("kvssink iot-certificate=\"iot-certificate,endpoint=a.b,cert-path=c,key-path=k,ca-path=ca,role-aliases=R,connection-timeout=10\"");

        parsed.Ok.Should().BeTrue(parsed.Error);
        parsed.Iot!.Problem.Should().Be("connection-timeout is gint, not a string");
    }

    [Fact]
    public void The_check_sees_a_property_kvssink_does_not_have()
    {
        FakeKvsSink.ParseOne("kvssink stream-name=a storage-size-mb=5").Error.Should().Contain("no property \"storage-size-mb\"");
    }
}
